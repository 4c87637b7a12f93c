#pragma once
// Text from outside (git refs, file names, declared values) made safe to
// put in GitHub-flavoured Markdown.

#include <string>

namespace swarmform::render {

/// `s` as literal Markdown text, table cells included: \ ` * _ [ ] < > | ~ #
/// backslash-escaped, newlines as spaces.
std::string markdown_escape(const std::string& s);

}  // namespace swarmform::render
