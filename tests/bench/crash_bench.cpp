// Crash-and-restart benchmark: the real `calfbot serve` is killed with
// SIGKILL at random moments while patients talk to it over the WebSocket
// channel, restarted on the same SQLite file, and every patient resumes its
// conversation (docs/protocol.md, "Resuming after a lost connection") and
// carries on. At the end the SQLite file is checked: every answer whose reply
// reached a patient is stored exactly once, in its place; PRAGMA
// integrity_check is ok; and every conversation resumes at the question (or
// outcome) its patient last saw.
//   build/tests/bench/crash_bench --calfbot build/calfbot               (200 kills)
//   build/tests/bench/crash_bench --calfbot build/calfbot --kills 10    (a smoke run)
//
// Exits with 1 when an acknowledged answer is lost or duplicated, a session
// does not resume, integrity_check is not ok, or a patient saw an error.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "bench_process.h"
#include "bench_report.h"
#include "crash_patients.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using calfbot::bench::Answer;
using calfbot::bench::CalfbotSpec;
using calfbot::bench::Counts;
using calfbot::bench::fixed;
using calfbot::bench::Patients;
using calfbot::bench::Server;
using calfbot::bench::Track;

constexpr int kServerThreads = 2;
constexpr double kDrainSeconds = 60;  // the patients' last answers, at the most

struct Options {
  std::string calfbot;
  int kills = 200;
  int patients = 50;
  int delay_min_ms = 50, delay_max_ms = 400;
  double turn_timeout = 10;
  unsigned seed = 0;  // 0: from the clock
};

const char* kUsage =
    "usage: crash_bench --calfbot PATH [--kills N] [--patients C] [--delay MIN,MAX]\n"
    "                   [--turn-timeout S] [--seed S]\n"
    "  --kills N          SIGKILLs of the server, each followed by a restart (200)\n"
    "  --patients C       conversations at once, each answering as soon as it is asked (50)\n"
    "  --delay MIN,MAX    milliseconds from a start (the server ready) to its kill, uniform (50,400)\n"
    "  --turn-timeout S   a reply later than this, from a running server, is an error (10)\n"
    "  --seed S           the random delays' seed (default: from the clock; the output says it)\n"
    "The SQLite file goes to a new folder in $TMPDIR (else the system's temporary folder).\n";

// ---- the store ----

struct StoreCheck {
  std::string integrity;
  std::uint64_t found = 0, lost = 0, duplicated = 0, misplaced = 0;
  std::uint64_t unacked_stored = 0;  // an answer in flight at the end, stored
  std::uint64_t sessions = 0, unknown_sessions = 0, unknown_with_answers = 0;
};

StoreCheck check_store(const std::string& path, const std::vector<std::shared_ptr<Track>>& tracks,
                       std::vector<std::string>& failures) {
  StoreCheck c;
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  {
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string all;
    while (q.executeStep()) all += (all.empty() ? "" : "; ") + q.getColumn(0).getString();
    c.integrity = all;
  }
  // Each patient message with the bot seq of the question it answers: the
  // last bot message stored before it (rowid order is commit order).
  SQLite::Statement q(db,
                      "SELECT m.seq, m.body, (SELECT max(o.seq) FROM messages o WHERE "
                      "o.session = m.session AND o.direction = 'out' AND o.rowid < m.rowid) "
                      "FROM messages m WHERE m.session = ? AND m.direction = 'in' ORDER BY m.seq");
  auto note = [&](const std::string& what) {
    if (failures.size() < 40) failures.push_back(what);
  };
  for (const auto& t : tracks) {
    q.reset();
    q.bind(1, t->id);
    std::vector<Answer> stored;
    bool noted = false;  // the first problem of each conversation is noted
    while (q.executeStep()) {
      if (q.getColumn(0).getInt() != static_cast<int>(stored.size()) + 1) {
        if (!noted) {
          note("conversation " + t->id + ": patient message " +
               std::to_string(stored.size() + 1) + " is stored as number " +
               std::to_string(q.getColumn(0).getInt()));
        }
        noted = true;
        c.misplaced++;
      }
      stored.push_back(Answer{q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt(),
                              json::parse(q.getColumn(1).getString(), nullptr, false)});
    }
    const std::size_t n = std::min(stored.size(), t->acked.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (stored[i] == t->acked[i]) {
        c.found++;
      } else {
        c.lost++;
        if (!noted) {
          note("conversation " + t->id + ": acknowledged answer " + std::to_string(i + 1) +
               " (" + t->acked[i].body.dump() + " to seq " +
               std::to_string(t->acked[i].question_seq) + ") is stored as " +
               stored[i].body.dump() + " to seq " + std::to_string(stored[i].question_seq));
        }
        noted = true;
      }
    }
    if (t->acked.size() > stored.size()) {
      c.lost += t->acked.size() - stored.size();
      note("conversation " + t->id + ": " + std::to_string(t->acked.size() - stored.size()) +
           " acknowledged answers are not stored");
    }
    std::size_t extra = stored.size() > t->acked.size() ? stored.size() - t->acked.size() : 0;
    if (extra == 1 && t->pending && stored.back() == *t->pending) {
      c.unacked_stored++;
      extra = 0;
    }
    if (extra > 0) {
      c.duplicated += extra;
      note("conversation " + t->id + ": " + std::to_string(extra) +
           " stored answers more than acknowledged");
    }
  }
  {
    SQLite::Statement all(db, "SELECT id, inputs FROM sessions");
    std::map<std::string, bool> known;
    for (const auto& t : tracks) known[t->id] = true;
    while (all.executeStep()) {
      c.sessions++;
      if (!known.count(all.getColumn(0).getString())) {
        c.unknown_sessions++;
        if (all.getColumn(1).getInt() > 0) c.unknown_with_answers++;
      }
    }
  }
  return c;
}

// ---- options ----

Options parse(int argc, char** argv) {
  Options o;
  for (const auto& option : calfbot::bench::option_values(argc, argv, kUsage)) {
    const std::string& a = option.first;
    const std::string& v = option.second;
    auto whole = [&](long min) {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < min) {
        throw std::runtime_error(a + ": a whole number from " + std::to_string(min));
      }
      return n;
    };
    if (a == "--calfbot") {
      o.calfbot = v;
    } else if (a == "--kills") {
      o.kills = static_cast<int>(whole(1));
    } else if (a == "--patients") {
      o.patients = static_cast<int>(whole(1));
    } else if (a == "--delay") {
      int lo = 0, hi = 0;
      char comma = 0;
      std::istringstream in(v);
      if (!(in >> lo >> comma >> hi) || comma != ',' || lo < 0 || hi < lo) {
        throw std::runtime_error(a + ": MIN,MAX in milliseconds");
      }
      o.delay_min_ms = lo;
      o.delay_max_ms = hi;
    } else if (a == "--turn-timeout") {
      o.turn_timeout = std::atof(v.c_str());
      if (!(o.turn_timeout > 0)) throw std::runtime_error(a + ": seconds > 0");
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(whole(1));
    } else {
      throw std::runtime_error("unknown option: " + a + "\n" + kUsage);
    }
  }
  calfbot::bench::require_calfbot(o.calfbot, kUsage);
  if (o.seed == 0) {
    o.seed = static_cast<unsigned>(Clock::now().time_since_epoch().count() % 1000000000) + 1;
  }
  return o;
}

int run(int argc, char** argv) {
  Options o = parse(argc, argv);
  calfbot::bench::handle_stop_signals("crash_bench");
  signal(SIGPIPE, SIG_IGN);

  calfbot::bench::TempDir tmp("crash_bench");
  CalfbotSpec spec;
  spec.exe = o.calfbot;
  spec.dir = tmp.path();
  spec.store_path = tmp.path() + "/calfbot.db";
  spec.threads = kServerThreads;
  spec.synchronous = "full";
  int starts = 0;
  auto start_server = [&] {
    spec.log = tmp.path() + "/calfbot-" + std::to_string(++starts) + ".log";
    return calfbot::bench::start_calfbot(spec);
  };

  std::printf("crash_bench: calfbot serve killed with SIGKILL under load, restarted on the same "
              "SQLite file\n");
  std::printf("  calfbot: %s; %d server threads; store.synchronous=full; the SQLite file on %s\n",
              o.calfbot.c_str(), kServerThreads, calfbot::bench::file_system(tmp.path()).c_str());
  std::printf("  %d patients over WebSocket, each answering at once and resuming after each "
              "kill; a kill %d-%d ms after each start (seed %u)\n",
              o.patients, o.delay_min_ms, o.delay_max_ms, o.seed);
  std::fflush(stdout);

  const auto started = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  std::mt19937 rng(o.seed);
  std::uniform_int_distribution<int> delay(o.delay_min_ms, o.delay_max_ms);

  Server server = start_server();
  calfbot::bench::print_lifted_limits(spec.unknown_keys);
  Patients patients(calfbot::bench::PatientsSpec{o.patients, o.turn_timeout});
  patients.set_port(server.port);
  patients.start();
  double up_seconds = 0;
  for (int k = 1; k <= o.kills; ++k) {
    const int ms = delay(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    up_seconds += ms / 1000.0;
    if (!server.child->running()) {
      throw std::runtime_error("calfbot serve " + server.child->status() +
                               " before its kill; its output:\n" +
                               calfbot::bench::tail(server.child->log()));
    }
    patients.set_port(0);
    server.child->kill_hard();
    server = start_server();
    patients.set_port(server.port);
    if (k % 20 == 0 || k == o.kills) {
      const Counts c = patients.on_client_thread([&]() -> Counts { return patients.counts(); });
      std::printf("# [%s s] %d kills; %llu conversations completed, %llu answers acknowledged\n",
                  fixed(seconds(), 1).c_str(), k, static_cast<unsigned long long>(c.completed),
                  static_cast<unsigned long long>(c.acked));
      std::fflush(stdout);
    }
  }

  // After the last restart: every patient resumes, finishes its turn, stops.
  patients.drain();
  const auto drain_end = Clock::now() + std::chrono::duration<double>(kDrainSeconds);
  while (patients.parked() < o.patients && Clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int parked = patients.parked();
  const auto [resumed, resume_failed] = patients.check_resumes(8);
  patients.stop();
  const int stop_status = [&] {
    if (!server.child->running()) return -1;
    server.child->stop();
    return server.child->status() == "exited with status 0" ? 0 : 1;
  }();
  const double run_seconds = seconds();

  Counts c = patients.counts();
  StoreCheck s = check_store(spec.store_path, patients.tracks(), c.failures);

  auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::uint64_t error_count = 0;
  for (const auto& [what, count] : c.errors) error_count += count;
  std::printf("\nkills                           %d (%s s under load before them in all; the run "
              "took %s s)\n",
              o.kills, fixed(up_seconds, 1).c_str(), fixed(run_seconds, 1).c_str());
  std::printf("conversations started           %llu (%llu more hellos in flight at a kill)\n",
              n(c.hellos_acked), n(c.hellos_unacked));
  std::printf("conversations completed         %llu (an outcome reached)\n", n(c.completed));
  std::printf("answers acknowledged            %llu (their reply reached the patient)\n", n(c.acked));
  std::printf("  found in the store            %llu\n", n(s.found));
  std::printf("  duplicated                    %llu\n", n(s.duplicated));
  std::printf("  lost                          %llu\n", n(s.lost));
  std::printf("  stored out of place           %llu\n", n(s.misplaced));
  std::printf("answers in flight at a kill     %llu: stored (replies replayed on resume) %llu, not "
              "stored (sent again) %llu\n",
              n(c.in_flight), n(c.in_flight_stored), n(c.in_flight_resent));
  std::printf("resumes after a kill            %llu (%llu with missed replies replayed), %llu failed\n",
              n(c.resumes), n(c.resumes_replayed), n(c.resumes_failed));
  std::printf("integrity_check                 %s\n", s.integrity.c_str());
  std::printf("sessions resumed at the end     %llu, failed %llu (of %zu conversations)\n",
              n(resumed), n(resume_failed), patients.tracks().size());
  std::printf("sessions in the store           %llu (%llu never seen by a patient: hello in flight "
              "at a kill; %llu of them with answers)\n",
              n(s.sessions), n(s.unknown_sessions), n(s.unknown_with_answers));
  std::printf("patients stopped at the end     %d of %d; errors %llu\n", parked, o.patients,
              n(error_count));
  for (const auto& [what, count] : c.errors) std::printf("  error: %s (%llu)\n", what.c_str(), n(count));
  for (const auto& f : c.failures) std::printf("  failure: %s\n", f.c_str());

  std::vector<std::string> failed;
  if (s.lost > 0) failed.push_back("acknowledged answers lost");
  if (s.duplicated > 0 || s.misplaced > 0) failed.push_back("answers duplicated or out of place");
  if (s.integrity != "ok") failed.push_back("integrity_check not ok");
  if (resume_failed > 0 || c.resumes_failed > 0) failed.push_back("sessions that did not resume");
  if (s.unknown_with_answers > 0) failed.push_back("answers in sessions no patient started");
  if (error_count > 0) failed.push_back("errors");
  if (parked < o.patients) failed.push_back("patients still waiting for a reply at the end");
  if (c.acked == 0) failed.push_back("no answer acknowledged");
  if (stop_status != 0) failed.push_back("calfbot serve did not stop cleanly at the end");
  if (!failed.empty()) {
    std::string all;
    for (const auto& f : failed) all += (all.empty() ? "" : "; ") + f;
    std::printf("FAILED: %s\n", all.c_str());
    return 1;
  }
  std::printf("PASSED\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return calfbot::bench::run_reporting_errors("crash_bench", [&] { return run(argc, argv); });
}
