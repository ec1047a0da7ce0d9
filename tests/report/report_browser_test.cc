// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The report in a real browser: headless Chromium loads a report written
// by WriteReport from a file:// URL (no server), dumps the DOM it built and
// takes a screenshot in the same run. The DOM must hold the title and one
// <svg> per chart the report drew; the screenshot (decoded with libpng)
// must be far from blank and show the charts' bar colours. Skipped, with a
// message saying so, only where Chromium is not installed.
#include <png.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/report.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kWidth = 1280;
constexpr int kHeight = 2000;

// $SLICEKIT_CHROMIUM, else Debian's /usr/bin/chromium.
std::string ChromiumPath() {
  const char* env = std::getenv("SLICEKIT_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;
};

// Decodes a PNG file with libpng's simplified API; an empty image on error.
Image ReadPng(const std::string& path) {
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  Image image;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    ADD_FAILURE() << "cannot read " << path << ": " << png.message;
    return image;
  }
  png.format = PNG_FORMAT_RGBA;
  image.rgba.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr)) {
    ADD_FAILURE() << "cannot decode " << path << ": " << png.message;
    image.rgba.clear();
    return image;
  }
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  return image;
}

// Pixels within `tolerance` per channel of `hex` ("#RRGGBB").
size_t PixelsNear(const Image& image, const std::string& hex, int tolerance) {
  const int r = std::stoi(hex.substr(1, 2), nullptr, 16);
  const int g = std::stoi(hex.substr(3, 2), nullptr, 16);
  const int b = std::stoi(hex.substr(5, 2), nullptr, 16);
  size_t n = 0;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    n += std::abs(image.rgba[i] - r) <= tolerance &&
         std::abs(image.rgba[i + 1] - g) <= tolerance &&
         std::abs(image.rgba[i + 2] - b) <= tolerance;
  }
  return n;
}

TEST(ReportBrowserTest, ChromiumRendersTheReport) {
  const std::string chromium = ChromiumPath();
  if (access(chromium.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "Chromium is not installed at " << chromium
                 << " ($SLICEKIT_CHROMIUM, else /usr/bin/chromium), so the "
                    "report was NOT checked in a browser; "
                    "`scripts/install-deps.sh --tests` installs Debian's "
                    "chromium";
  }
  absl::StatusOr<Table> table = examples::GenerateMetricsTable(3000, 7);
  ASSERT_THAT(table, IsOk());
  Slice slice;
  slice.id = "sl_0123456789abcdef";
  slice.name = "Confident FPs <&> \xC3\xBC";
  slice.filter = Col("fp") >= 1 && Col("confidence") > 0.8f;
  slice.order_by = {{"confidence", true}};
  ReportOptions options;
  options.title = "Browser check <&> \"\xC3\xBC\"";
  const std::string dir = TempPath("browser");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/report.html";
  ASSERT_THAT(WriteReport(*table, {slice}, options, path), IsOk());
  const std::string html = ReadFile(path);
  const size_t charts = Count(html, "<svg ");
  ASSERT_GT(charts, 10u);

  const std::string screenshot = dir + "/shot.png";
  // One browser start for both checks: it costs seconds on two cores.
  const RunResult r = RunProgram(
      "/usr/bin/timeout",
      {"120", chromium, "--headless", "--no-sandbox", "--disable-gpu",
       "--disable-quic", "--disable-dev-shm-usage", "--no-first-run",
       "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + dir + "/profile",
       absl::StrCat("--window-size=", kWidth, ",", kHeight),
       "--screenshot=" + screenshot, "--dump-dom", "file://" + path});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The DOM Chromium built: the title, the heading, every chart an <svg>.
  EXPECT_THAT(r.out, HasSubstr("<title>Browser check &lt;&amp;&gt; \"\xC3\xBC\""
                               "</title>"));
  EXPECT_THAT(r.out, HasSubstr("<h1 id=\"title\">Browser check"));
  EXPECT_EQ(Count(r.out, "<svg "), charts);
  EXPECT_EQ(Count(r.out, "<section class=\"slice\""),
            Count(html, "<section class=\"slice\""));
  EXPECT_THAT(r.out, HasSubstr("Confident FPs &lt;&amp;&gt; \xC3\xBC"));

  // The screenshot: the window's size, mostly white but with plenty drawn,
  // including the solid precision (blue) and recall (orange) bars.
  const Image image = ReadPng(screenshot);
  ASSERT_EQ(image.width, kWidth);
  ASSERT_EQ(image.height, kHeight);
  const size_t pixels = static_cast<size_t>(kWidth) * kHeight;
  const size_t white = PixelsNear(image, "#FFFFFF", 3);
  EXPECT_LT(white, pixels * 97 / 100) << "the page looks blank";
  EXPECT_GT(white, pixels / 2) << "the page is not mostly white";
  EXPECT_GT(PixelsNear(image, "#0072B2", 10), 2000u);
  EXPECT_GT(PixelsNear(image, "#E69F00", 10), 2000u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace slicekit::testing
