// Control characters from elsewhere never reach a terminal or a label raw.

#include <gtest/gtest.h>

#include <string>

#include "reconciler/util/text_sanitize.h"

namespace swarmform {
namespace {

TEST(TextSanitize, CleanTextIsUnchanged) {
  EXPECT_EQ(printable("alice@ci-runner-7"), "alice@ci-runner-7");
  EXPECT_EQ(printable("web: HTTP 500: no suitable node (1 node not available)"),
            "web: HTTP 500: no suitable node (1 node not available)");
  EXPECT_EQ(printable("héllo wörld — 日本 🐳"), "héllo wörld — 日本 🐳");
  EXPECT_EQ(printable(""), "");
  EXPECT_TRUE(is_printable("kvm4"));
}

TEST(TextSanitize, EscapeSequencesAreShownEscaped) {
  EXPECT_EQ(printable("evil\x1b[2Jme"), "evil\\x1b[2Jme");
  EXPECT_EQ(printable("a\x07" "b\x7f" "c"), "a\\x07b\\x7fc");
  EXPECT_EQ(printable(std::string("nul\0here", 8)), "nul\\x00here");
  EXPECT_FALSE(is_printable("evil\x1b[2J"));
}

TEST(TextSanitize, NewlinesAndTabsAreEscapedUnlessLinesAreKept) {
  EXPECT_EQ(printable("one\ntwo\tthree\r"), "one\\x0atwo\\x09three\\x0d");
  EXPECT_EQ(printable_lines("one\ntwo\tthree\r"), "one\ntwo\\x09three\\x0d");
  EXPECT_EQ(printable_lines("a\x1b]0;title\x07"), "a\\x1b]0;title\\x07");
}

TEST(TextSanitize, C1ControlsInUtf8AreEscaped) {
  // U+009B is CSI: ESC [ in one character for terminals that honour C1.
  EXPECT_EQ(printable("x\xc2\x9b" "2Jy"), "x\\u009b2Jy");
  EXPECT_EQ(printable("\xc2\x80\xc2\x9f\xc2\xa0"), "\\u0080\\u009f\xc2\xa0");
}

TEST(TextSanitize, BytesThatAreNotUtf8AreEscaped) {
  EXPECT_EQ(printable("\x9b" "2J"), "\\x9b2J");        // a raw 8-bit CSI
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");      // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(printable("\xe6\x97"), "\\xe6\\x97");      // cut short
  EXPECT_EQ(printable("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
}

TEST(TextSanitize, OutputIsAlwaysPrintable) {
  // Every single byte, and every pair, comes out as text with no control in it.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      std::string s{static_cast<char>(a), static_cast<char>(b)};
      std::string p = printable(s);
      for (unsigned char ch : p) {
        ASSERT_TRUE(ch >= 0x20 && ch != 0x7f) << "byte " << a << "," << b;
      }
      ASSERT_TRUE(is_printable(p)) << "byte " << a << "," << b;
    }
  }
}

}  // namespace
}  // namespace swarmform
