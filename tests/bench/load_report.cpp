#include "load_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "bench_report.h"

namespace calfbot::bench {

int median_turns(const Figures& f) {
  if (f.conversation_turns.empty()) return 0;
  std::vector<int> t = f.conversation_turns;
  std::nth_element(t.begin(), t.begin() + static_cast<long>(t.size() / 2), t.end());
  return t[t.size() / 2];
}

std::uint64_t errors(const std::map<std::string, std::uint64_t>& e) {
  std::uint64_t n = 0;
  for (const auto& [what, count] : e) n += count;
  return n;
}

double turns_per_second(const Measured& r) {
  return r.f.window_seconds > 0 ? static_cast<double>(r.f.latency_ms.size()) / r.f.window_seconds
                                : 0;
}

std::string ratio(double bot, double echo) {
  if (!(echo > 0) || std::isnan(bot)) return "-";
  return fixed(bot / echo, bot / echo < 10 ? 2 : 1) + "x";
}

void print_disk_floor(const DiskFloor& d) {
  if (!d.error.empty()) {
    std::printf("  disk floor: not measured (%s)\n", d.error.c_str());
    return;
  }
  std::printf("  disk floor: a 4 KiB write and fdatasync on the store's disk: p50 %s ms, p99 %s ms "
              "(%d samples, this run)\n",
              fixed(d.p50_ms, 2).c_str(), fixed(d.p99_ms, 2).c_str(), d.samples);
}

std::string against_disk_floor(double p99_ms, const DiskFloor& d) {
  if (!d.error.empty() || std::isnan(p99_ms)) return "";
  return "; p99 " + fixed(p99_ms, 1) + " ms = fdatasync p99 + " + fixed(p99_ms - d.p99_ms, 1) +
         " ms";
}

namespace {

void print_errors(const Measured& r) {
  for (const auto& [what, count] : r.f.errors_total) {
    std::printf("    %s error: %s (%llu)\n", r.server.c_str(), what.c_str(),
                static_cast<unsigned long long>(count));
  }
}

// What else the window saw: the store's commits (calfbot) and the whole machine.
void print_context(const Measured& r) {
  std::printf("    %-8s machine CPU busy %s%% of %u00%% (before the server started: %s%%), "
              "iowait %s%%, steal %s%%\n",
              r.server.c_str(), fixed(100 * r.machine.busy, 0).c_str(),
              std::thread::hardware_concurrency(), fixed(100 * r.background.busy, 0).c_str(),
              fixed(100 * r.machine.iowait, 0).c_str(), fixed(100 * r.machine.steal, 0).c_str());
  if (r.server != "calfbot" || r.store.seconds <= 0) return;
  const StoreCounters& c = r.store;
  std::printf("    calfbot  store (synchronous=%s): %s commits/s, %s writes a commit, %s ms a "
              "commit, committing %s%% of the time\n",
              r.synchronous.c_str(), fixed(c.commits / c.seconds, 0).c_str(),
              fixed(c.commits > 0 ? c.writes / c.commits : 0, 1).c_str(),
              fixed(c.commits > 0 ? 1000 * c.commit_seconds / c.commits : 0, 2).c_str(),
              fixed(100 * c.commit_seconds / c.seconds, 0).c_str());
  std::printf("    calfbot  conversations held in memory at the end: %s\n",
              fixed(c.sessions_active, 0).c_str());
}

}  // namespace

void print_closed(const LoadOptions& o, const Measured& bot, const Measured& echo, int echo_turns,
                  std::size_t echo_bytes) {
  std::printf("\nclosed loop: %d conversations at once, each answering at once; %s s measured "
              "after %s s warm-up\n",
              o.closed, fixed(o.seconds, 1).c_str(), fixed(o.warmup, 1).c_str());
  std::printf("  (echo: conversations of %d messages of %zu bytes, the bot's median turns and mean "
              "reply bytes a turn)\n",
              echo_turns, echo_bytes);
  std::printf("  %-9s %10s %8s %8s %8s %9s %7s %10s %7s %11s %11s\n", "server", "turns/s", "p50 ms",
              "p99 ms", "max ms", "turns", "convs", "turns/conv", "errors", "server CPU",
              "client CPU");
  for (const Measured* r : {&bot, &echo}) {
    std::printf("  %-9s %10s %8s %8s %8s %9zu %7llu %10d %7llu %10s%% %10s%%\n", r->server.c_str(),
                fixed(turns_per_second(*r), 0).c_str(),
                fixed(percentile(r->f.latency_ms, 0.5), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 0.99), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 1.0), 1).c_str(), r->f.latency_ms.size(),
                static_cast<unsigned long long>(r->f.conversations), median_turns(r->f),
                static_cast<unsigned long long>(errors(r->f.errors_window)),
                fixed(100 * r->server_cpu, 0).c_str(), fixed(100 * r->client_cpu, 0).c_str());
  }
  std::printf("  %-9s %10s %8s %8s\n", "bot/echo",
              ratio(turns_per_second(bot), turns_per_second(echo)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.5), percentile(echo.f.latency_ms, 0.5)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.99), percentile(echo.f.latency_ms, 0.99)).c_str());
  print_context(bot);
  print_context(echo);
  print_errors(bot);
  print_errors(echo);
}

double kib_per_conversation(const Measured& r, int patients) {
  return static_cast<double>(r.rss_steady_kib - r.rss_before_kib) / patients;
}

void print_human(const LoadOptions& o, int patients, const Measured& bot, const Measured& echo,
                 int echo_turns) {
  std::printf("\nhuman pace: %d patients, arriving over %s s, each answering every %s-%s s; %s s "
              "measured after the ramp\n",
              patients, fixed(o.ramp, 1).c_str(), fixed(o.think_min, 2).c_str(),
              fixed(o.think_max, 2).c_str(), fixed(o.window, 1).c_str());
  std::printf("  (echo: conversations of %d messages)\n", echo_turns);
  std::printf("  %-9s %6s %8s %8s %8s %8s %8s %7s %7s %11s %11s %11s %11s %9s\n", "server",
              "open", "turns/s", "p50 ms", "p99 ms", "max ms", "turns", "convs", "errors",
              "server CPU", "client CPU", "RSS before", "RSS steady", "KiB/conv");
  for (const Measured* r : {&bot, &echo}) {
    std::printf("  %-9s %6d %8s %8s %8s %8s %8zu %7llu %7llu %10s%% %10s%% %7s MiB %7s MiB %9s\n",
                r->server.c_str(), r->open_at_end, fixed(turns_per_second(*r), 0).c_str(),
                fixed(percentile(r->f.latency_ms, 0.5), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 0.99), 2).c_str(),
                fixed(percentile(r->f.latency_ms, 1.0), 1).c_str(), r->f.latency_ms.size(),
                static_cast<unsigned long long>(r->f.conversations),
                static_cast<unsigned long long>(errors(r->f.errors_window)),
                fixed(100 * r->server_cpu, 0).c_str(), fixed(100 * r->client_cpu, 0).c_str(),
                fixed(static_cast<double>(r->rss_before_kib) / 1024, 1).c_str(),
                fixed(static_cast<double>(r->rss_steady_kib) / 1024, 1).c_str(),
                fixed(kib_per_conversation(*r, patients), 1).c_str());
  }
  std::printf("  %-9s %6s %8s %8s %8s %8s %8s %7s %7s %11s %11s %11s %11s %9s\n", "bot/echo", "",
              "", ratio(percentile(bot.f.latency_ms, 0.5), percentile(echo.f.latency_ms, 0.5)).c_str(),
              ratio(percentile(bot.f.latency_ms, 0.99), percentile(echo.f.latency_ms, 0.99)).c_str(),
              "", "", "", "", "", "", "", "",
              ratio(kib_per_conversation(bot, patients), kib_per_conversation(echo, patients))
                  .c_str());
  print_context(bot);
  print_context(echo);
  print_errors(bot);
  print_errors(echo);
}

}  // namespace calfbot::bench
