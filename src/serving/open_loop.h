// OpenLoopSender: sends requests to an inference server at their scheduled times whatever the
// server does, as MLPerf LoadGen's server scenario does. A sender thread releases each request at
// its time to an idle connection; connections (each a keep-alive HTTP client on a thread of its
// own) are added whenever none is idle, up to max_connections, so a slow or stalled server cannot
// hold the sender back (no coordinated omission). Past that bound requests wait for a connection,
// and their send lag (sent - scheduled) says so.
//
// Contract:
// - Every request ends in exactly one outcome, never dropped: answered (200 with a valid answer),
//   an HTTP error (its status kept), a timeout (no answer within `timeout`), a connection error,
//   or a bad answer (200 that is not an inference response, or one over max_answer_bytes).
// - Timestamps are ns from run()'s `origin`; `sent` is when the request was handed to its
//   connection, `done` when its answer (or failure) was complete.
// - run() is called by one thread at a time; completed() from any.
//
// Lifetime: connections stay open between runs (warm() opens them ahead of the first). The
// constructor ignores SIGPIPE for the process: a connection the server closes fails its request.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/time.h"
#include "serving/oip_client.h"
#include "serving/server_url.h"

namespace gb {

enum class SendOutcome : uint8_t { kAnswered, kHttpError, kTimeout, kConnection, kBadAnswer };

struct SendRecord {
  Nanos sent{0}, done{0};
  int status = 0;  // HTTP status; 0 when none came
  SendOutcome outcome = SendOutcome::kConnection;
  // The server's own account (greenbatch serve's parameters), when it gave one.
  std::optional<uint64_t> batch;
  std::optional<std::size_t> batch_size;
  std::optional<float> service_s;
};

struct OpenLoopOptions {
  Nanos timeout{std::chrono::seconds(30)};
  std::size_t max_connections = 1024;
  std::size_t max_answer_bytes = 64u << 20;
  Nanos spin{std::chrono::microseconds(50)};
};

class OpenLoopSender {
 public:
  // `path`: the infer endpoint's path on the server.
  OpenLoopSender(ServerUrl url, std::string path, OpenLoopOptions options);
  ~OpenLoopSender();
  OpenLoopSender(const OpenLoopSender&) = delete;
  OpenLoopSender& operator=(const OpenLoopSender&) = delete;

  // Opens `n` connections now (each sends GET /v2/health/ready once), so that the first requests
  // of a run do not pay for connecting.
  void warm(std::size_t n);
  // Sends requests[i % requests.size()] at origin + schedule[i], waits for every outcome.
  // REQUIRES: requests non-empty.
  std::vector<SendRecord> run(const std::vector<Nanos>& schedule,
                              const std::vector<WireRequest>& requests,
                              SteadyClock::time_point origin);
  std::size_t completed() const { return completed_.load(std::memory_order_relaxed); }
  std::size_t connections() const;
  // The first few distinct failure messages of the last run ("503: the queue is full ...").
  std::vector<std::string> errors() const;
  bool realtime_sender() const { return realtime_; }

 private:
  void spawn(bool open);  // REQUIRES: mutex_ held
  void work(bool open);
  void send(std::size_t i, void* client);
  void note_error(const std::string& message);

  const ServerUrl url_;
  const std::string path_;
  const OpenLoopOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::deque<std::size_t> jobs_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  // The run in progress (set before its first job is queued).
  const std::vector<WireRequest>* requests_ = nullptr;
  std::vector<SendRecord>* records_ = nullptr;
  SteadyClock::time_point origin_;
  std::size_t total_ = 0;
  std::atomic<std::size_t> completed_{0};
  std::vector<std::string> errors_;
  bool realtime_ = false;
};

}  // namespace gb
