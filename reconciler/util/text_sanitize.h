#pragma once
// Text that came from elsewhere (the engine, $USER, a lock another process
// wrote) made safe to show on a terminal or to write into a label: control
// characters are shown escaped, so an ESC in a node name or a user name can
// never clear the next operator's screen or forge a line of output.

#include <string>
#include <string_view>

namespace swarmform {

/// `text` with every control character escaped: C0 (U+0000..U+001F, also
/// newline and tab), DEL and C1 (U+0080..U+009F) as `\xNN` (C1 as `\u0080`),
/// and each byte that is not part of valid UTF-8 as `\xNN`.  Everything
/// else, other UTF-8 included, is kept as it is.  Clean text comes back
/// unchanged.  Thread-safe.
std::string printable(std::string_view text);

/// As printable(), but newlines are kept: for messages of several lines.
std::string printable_lines(std::string_view text);

/// True when printable(text) == text.
bool is_printable(std::string_view text);

}  // namespace swarmform
