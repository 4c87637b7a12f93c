#include "reconciler/model/quantity.h"

#include <array>
#include <limits>

namespace swarmform::model {
namespace {

// 128-bit intermediates keep every product exact; __extension__ marks the GNU type.
__extension__ using i128 = __int128;

__extension__ using u128 = unsigned __int128;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t clamp64(i128 v) {
  if (v > kMax) return kMax;
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

u128 magnitude(int64_t v) { return v < 0 ? -static_cast<u128>(static_cast<i128>(v)) : static_cast<u128>(v); }

std::string to_string(u128 v) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return digits;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A non-negative decimal split into its integer digits and fraction digits.
struct Decimal {
  std::string_view whole;
  std::string_view fraction;
};

/// Accepts `digits` or `digits.digits`; anything else (signs, exponents,
/// spaces, a bare ".") is rejected so that YAML's 1e300 never sneaks in.
std::optional<Decimal> split_decimal(std::string_view text) {
  size_t dot = text.find('.');
  Decimal d{text.substr(0, dot), dot == std::string_view::npos ? "" : text.substr(dot + 1)};
  if (d.whole.empty()) return std::nullopt;
  if (dot != std::string_view::npos && d.fraction.empty()) return std::nullopt;
  for (char c : d.whole) {
    if (!is_digit(c)) return std::nullopt;
  }
  for (char c : d.fraction) {
    if (!is_digit(c)) return std::nullopt;
  }
  return d;
}

/// whole * scale + fraction scaled to `scale` (a power of ten), exactly, or
/// nullopt on overflow or when the fraction has more digits than `scale` allows.
std::optional<int64_t> scaled(const Decimal& d, int64_t scale, int max_fraction_digits) {
  if (static_cast<int>(d.fraction.size()) > max_fraction_digits) return std::nullopt;
  i128 whole = 0;
  for (char c : d.whole) {
    whole = whole * 10 + (c - '0');
    if (whole > kMax) return std::nullopt;
  }
  i128 frac = 0;
  i128 frac_scale = scale;
  for (char c : d.fraction) {
    frac_scale /= 10;
    frac += (c - '0') * frac_scale;
  }
  i128 total = whole * scale + frac;
  if (total > kMax) return std::nullopt;
  return static_cast<int64_t>(total);
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

static_assert(kMaxMemoryBytes == int64_t{1} << 60, "too_much_memory says 1024PiB");
std::string too_much_memory(std::string_view text) {
  return "memory quantity " + quoted(text) + " is too large: no machine has more than 1024PiB";
}

}  // namespace

Result<int64_t> parse_nano_cpus(std::string_view text, bool allow_zero) {
  const std::string expected = "expected a number of CPUs such as 2, 1.5, 0.25 or 500m";
  if (text.empty()) return fail("empty CPU quantity: " + expected);
  if (text.front() == '-') return fail("negative CPU quantity " + quoted(text) + ": " + expected);
  std::optional<int64_t> value;
  if (text.back() == 'm') {
    // Millicores, as Kubernetes writes them: an integer count of 1/1000 CPU.
    auto d = split_decimal(text.substr(0, text.size() - 1));
    if (!d || !d->fraction.empty()) {
      return fail("invalid CPU quantity " + quoted(text) + ": " + expected);
    }
    value = scaled(*d, 1'000'000, 0);
  } else {
    auto d = split_decimal(text);
    if (!d) return fail("invalid CPU quantity " + quoted(text) + ": " + expected);
    if (d->fraction.size() > 9) {
      return fail("CPU quantity " + quoted(text) + " has more than 9 decimal places");
    }
    value = scaled(*d, kNano, 9);
  }
  if (!value || *value > kMaxNanoCpus) {
    return fail("CPU quantity " + quoted(text) + " is too large: no machine has more than " +
                std::to_string(kMaxCpus) + " CPUs");
  }
  if (*value == 0 && !allow_zero) {
    return fail("CPU quantity " + quoted(text) + " is zero: " + expected);
  }
  return *value;
}

Result<int64_t> parse_memory_bytes(std::string_view text, bool allow_zero) {
  const std::string expected =
      "expected bytes or a number with a unit such as 512M, 512MiB, 1G or 1.5GiB";
  if (text.empty()) return fail("empty memory quantity: " + expected);
  if (text.front() == '-') return fail("negative memory quantity " + quoted(text) + ": " + expected);
  // Split "1.5GiB" into number "1.5" and unit "GiB".
  size_t unit_at = 0;
  while (unit_at < text.size() && (is_digit(text[unit_at]) || text[unit_at] == '.')) ++unit_at;
  std::string_view number = text.substr(0, unit_at);
  std::string_view unit = text.substr(unit_at);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);  // docker accepts "512 MB"

  // Docker's units.RAMInBytes: [kmgtp], an optional i, an optional b; any case; all binary.
  int shift = 0;
  std::string_view rest = unit;
  if (!rest.empty()) {
    constexpr std::array<char, 5> prefixes{'k', 'm', 'g', 't', 'p'};
    char p = static_cast<char>(rest.front() | 0x20);
    for (size_t i = 0; i < prefixes.size(); ++i) {
      if (p == prefixes[i]) {
        shift = 10 * static_cast<int>(i + 1);
        rest.remove_prefix(1);
        if (!rest.empty() && (rest.front() | 0x20) == 'i') rest.remove_prefix(1);
        break;
      }
    }
    if (!rest.empty() && (rest.front() | 0x20) == 'b') rest.remove_prefix(1);
  }
  auto d = split_decimal(number);
  if (!d || !rest.empty()) {
    return fail("invalid memory quantity " + quoted(text) + ": " + expected);
  }
  if (d->fraction.size() > 9) {
    return fail("memory quantity " + quoted(text) + " has more than 9 decimal places");
  }
  // Exact, in 128 bits: (whole + fraction) x 2^shift, which must be whole bytes.
  i128 whole = 0;
  for (char c : d->whole) {
    whole = whole * 10 + (c - '0');
    if (whole > (kMax >> shift)) return fail(too_much_memory(text));
  }
  i128 frac_nano = 0;
  i128 place = kNano;
  for (char c : d->fraction) {
    place /= 10;
    frac_nano += (c - '0') * place;
  }
  const i128 frac_bytes_times_nano = frac_nano << shift;
  if (frac_bytes_times_nano % kNano != 0) {
    return fail("memory quantity " + quoted(text) + " is not a whole number of bytes");
  }
  const i128 bytes = (whole << shift) + frac_bytes_times_nano / kNano;
  if (bytes > kMaxMemoryBytes) return fail(too_much_memory(text));
  if (bytes == 0 && !allow_zero) {
    return fail("memory quantity " + quoted(text) + " is zero: " + expected);
  }
  return static_cast<int64_t>(bytes);
}

Result<int64_t> parse_ratio(std::string_view text) {
  const std::string expected = "expected a positive number such as 1, 1.5 or 0.8";
  auto d = split_decimal(text);
  if (text.empty() || !d) return fail("invalid ratio " + quoted(text) + ": " + expected);
  if (d->fraction.size() > 9) return fail("ratio " + quoted(text) + " has more than 9 decimal places");
  auto v = scaled(*d, kNano, 9);
  if (!v) return fail("ratio " + quoted(text) + " is too large");
  if (*v == 0) return fail("ratio " + quoted(text) + " is zero: " + expected);
  return *v;
}

std::string format_cpus(int64_t nano_cpus) {
  std::string sign = nano_cpus < 0 ? "-" : "";
  uint64_t v = nano_cpus < 0 ? -static_cast<uint64_t>(nano_cpus) : static_cast<uint64_t>(nano_cpus);
  std::string out = sign + std::to_string(v / kNano);
  uint64_t frac = v % kNano;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string format_memory(int64_t bytes) {
  // The magnitude as unsigned, so that INT64_MIN has one too.
  const std::string sign = bytes < 0 ? "-" : "";
  const uint64_t v = bytes < 0 ? -static_cast<uint64_t>(bytes) : static_cast<uint64_t>(bytes);
  // Up to PiB only: the memory parser reads Docker's units (k, m, g, t, p), so
  // what is printed can be typed back; 1 EiB prints as 1024PiB.
  constexpr std::array<const char*, 5> units{"KiB", "MiB", "GiB", "TiB", "PiB"};
  for (int i = static_cast<int>(units.size()) - 1; i >= 0; --i) {
    const uint64_t unit = uint64_t{1} << (10 * (i + 1));
    if (v < unit) continue;
    const u128 hundredths = static_cast<u128>(v) * 100;
    if (hundredths % unit != 0) continue;  // not exact at 2 decimals: try a smaller unit
    const auto h = static_cast<uint64_t>(hundredths / unit);  // < 2^64: v < 2^64, unit >= 1024
    std::string out = std::to_string(h / 100);
    if (h % 100 != 0) {
      out += (h % 10 == 0) ? "." + std::to_string(h % 100 / 10)
                           : (h % 100 < 10 ? ".0" : ".") + std::to_string(h % 100);
    }
    return sign + out + units[static_cast<size_t>(i)];
  }
  return sign + std::to_string(v) + "B";
}

std::string memory_readable(int64_t bytes) {
  const std::string sign = bytes < 0 ? "-" : "";
  const u128 v = magnitude(bytes);
  constexpr std::array<const char*, 6> units{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  for (size_t i = units.size(); i-- > 0;) {
    const u128 unit = u128{1} << (10 * (i + 1));
    if (v < unit) continue;  // the largest unit the value reaches
    const u128 tenths = (v * 10 + unit / 2) / unit;  // rounded half up; v < 2^64, no wrap
    // 1023.96MiB rounds to 1024MiB: that reads as 1GiB.
    if (tenths == 10240 && i + 1 < units.size()) return sign + "1" + units[i + 1];
    std::string out = to_string(tenths / 10);
    if (tenths % 10 != 0) out += "." + to_string(tenths % 10);
    return sign + out + units[i];
  }
  return sign + to_string(v) + "B";
}

int64_t ratio_nano(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return 0;
  return clamp64(static_cast<i128>(numerator) * kNano / denominator);
}

std::string format_ratio(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return "-";
  // Magnitudes in unsigned 128 bits: |n| x 200 < 2^71 and 2 x |d| <= 2^64,
  // so nothing wraps whatever the inputs; the sign is put back in front.
  const bool negative = (numerator < 0) != (denominator < 0);
  const u128 n = magnitude(numerator);
  const u128 d = magnitude(denominator);
  const u128 h = (n * 200 + d) / (2 * d);  // hundredths, rounded half up
  std::string frac = to_string(h % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return (negative && h != 0 ? "-" : "") + to_string(h / 100) + "." + frac + "x";
}

bool within_budget(int64_t numerator, int64_t denominator, int64_t budget_nano) {
  if (numerator == kSaturated) return false;
  return static_cast<i128>(numerator) * kNano <=
         static_cast<i128>(denominator) * budget_nano;
}

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

int64_t saturating_mul(int64_t per_task, uint64_t tasks) {
  // |per_task| <= 2^63 and tasks < 2^64: the product fits in 128 bits.
  return clamp64(static_cast<i128>(per_task) * static_cast<i128>(tasks));
}

bool within_percent(int64_t value, int64_t reference, int64_t percent) {
  i128 diff = static_cast<i128>(value) - reference;
  if (diff < 0) diff = -diff;
  return diff * 100 <= static_cast<i128>(reference) * percent;
}

std::string cpus_or_none(int64_t nano_cpus) { return nano_cpus == 0 ? "none" : format_cpus(nano_cpus); }
std::string cpus_or_none(const std::optional<int64_t>& nano_cpus) { return cpus_or_none(nano_cpus.value_or(0)); }
std::string memory_or_none(int64_t bytes) { return bytes == 0 ? "none" : format_memory(bytes); }
std::string memory_or_none(const std::optional<int64_t>& bytes) { return memory_or_none(bytes.value_or(0)); }

bool product_at_most(uint64_t tasks_a, int64_t per_a, uint64_t tasks_b, int64_t per_b) {
  return static_cast<i128>(tasks_a) * per_a <= static_cast<i128>(tasks_b) * per_b;
}

}  // namespace swarmform::model
