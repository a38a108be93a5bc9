#include "disk_floor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "bench_report.h"

namespace calfbot::bench {

namespace {

constexpr size_t kBlock = 4096;
constexpr size_t kSpan = 4 << 20;  // the file's size: 1,024 blocks

std::string failed(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

DiskFloor measure_fdatasync(const std::string& dir, int samples) {
  DiskFloor r;
  const std::string path = dir + "/fdatasync-probe";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    r.error = failed("open the probe file");
    return r;
  }
  std::vector<char> block(kBlock, 'x');
  // The file's blocks exist before timing starts, as a WAL's do once reused.
  for (size_t off = 0; off < kSpan && r.error.empty(); off += kBlock) {
    if (::pwrite(fd, block.data(), kBlock, static_cast<off_t>(off)) != static_cast<ssize_t>(kBlock)) {
      r.error = failed("fill the probe file");
    }
  }
  if (r.error.empty() && ::fsync(fd) != 0) r.error = failed("fsync the probe file");
  std::vector<double> ms;
  for (int i = 0; i < samples && r.error.empty(); ++i) {
    block[0] = static_cast<char>(i);
    const auto off = static_cast<off_t>((static_cast<size_t>(i) * kBlock) % kSpan);
    const auto t0 = std::chrono::steady_clock::now();
    if (::pwrite(fd, block.data(), kBlock, off) != static_cast<ssize_t>(kBlock)) {
      r.error = failed("write");
    } else if (::fdatasync(fd) != 0) {
      r.error = failed("fdatasync");
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  ::close(fd);
  ::unlink(path.c_str());
  if (!r.error.empty() || ms.empty()) return r;
  r.samples = static_cast<int>(ms.size());
  r.p50_ms = percentile(ms, 0.50);
  r.p99_ms = percentile(ms, 0.99);
  return r;
}

}  // namespace calfbot::bench
