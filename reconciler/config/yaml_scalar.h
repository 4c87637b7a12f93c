#pragma once
// One YAML scalar written as text: plain where its reader takes it back as
// the same string, else double-quoted with escapes.  Shared by the writers
// of YAML: the editor (config::YamlEditor, for `import --update` and
// `advise --write`) and `import`'s new entries (adopt/import_yaml).

#include <cstdint>
#include <string>
#include <string_view>

namespace swarmform::config {

/// Who must read a plain scalar back as the same string: the stricter the
/// reader, the more scalars are quoted.
enum class ScalarReader : uint8_t {
  /// swarmform's loader, which takes every scalar as text but an empty or null
  /// one (`~`, `null`, `Null`, `NULL`): `2`, `-1`, `true` and `512MiB` stay
  /// plain.  The editor writes for it, so an edited value looks like its
  /// neighbours.
  swarmform,
  /// Any YAML 1.1 or 1.2 reader (libyaml, PyYAML, yq), which types numbers,
  /// booleans, null words and dates: those are quoted, and so is a leading
  /// '-', a flow indicator anywhere, and anything outside printable ASCII.
  /// `import` writes for it: its entries are new, and other tools read them.
  any_yaml,
};

/// Where the scalar stands: in a block map or list, or inside `{...}`/`[...]`
/// (where `,`, `[`, `]`, `{`, `}` and `:` end a plain scalar).
enum class ScalarContext : uint8_t { block, flow };

/// Whether `text` written plain in `context` reads back as `text` for
/// `reader`.  Conservative: what it refuses needs quotes.
bool plain_safe(std::string_view text, ScalarReader reader, ScalarContext context);

/// `text` double-quoted: `"` and `\` escaped, control characters as escapes,
/// UTF-8 bytes as they are.  The escapes differ by reader, as each writer has
/// always written them: for `swarmform` \n, \t, \r and else \xHH (upper-case
/// hex); for `any_yaml` \xhh (lower-case) for every control character.
std::string double_quoted(std::string_view text, ScalarReader reader);

/// `text` plain when plain_safe(), else double_quoted().
std::string yaml_scalar(std::string_view text, ScalarReader reader, ScalarContext context);

}  // namespace swarmform::config
