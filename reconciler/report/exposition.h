#pragma once
// The pieces of Prometheus text exposition format every metrics file of
// report/ shares (drift metrics, usage metrics).

#include <string>

namespace swarmform::report {

/// A label value escaped as the exposition format wants (\\, \", \n).
std::string label_value(const std::string& v);

/// Appends the HELP and TYPE (gauge) lines of family `name` to `out`.
void family(std::string& out, const char* name, const char* help);

}  // namespace swarmform::report
