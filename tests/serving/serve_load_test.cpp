// greenbatch serve and greenbatch load end to end over loopback: every request accounted for,
// agreement with an in-process run, protocol conformance with a client greenbatch did not write,
// the open loop against a stalling server, overload, SIGTERM's drain. Servers are started by the
// tests, bounded in requests and time, and stopped by their pid.
#include <signal.h>
#include <sys/wait.h>

#include <cmath>
#include <thread>

#include "serving_fixture.h"

namespace gb::testing {
namespace {

using nlohmann::json;

const std::string kShufflenet = "shufflenet_v2_x0_5";

TEST_F(Serving, NoopServeAndLoadAccountForEveryRequest) {
  auto server = serve({"--model", "noop", "--policy", "greedy:16"});
  const CommandResult r =
      load(server->url(), "--model noop --rate 400 --requests 400 --idle-seconds 0.5", "noop");
  ASSERT_EQ(r.code, 0) << r.output << server_log();
  const json run = last_run("noop");
  const json& l = run["load"];
  EXPECT_EQ(l["sent"], 400);
  EXPECT_EQ(l["answered"], 400) << l.dump();
  EXPECT_EQ(l["failed"], 0);
  EXPECT_TRUE(l["server_batches"]);  // greenbatch serve reports each answer's batch
  EXPECT_EQ(l["server"], "greenbatch serve, policy greedy:16");
  EXPECT_EQ(run["policy"], "greedy:16");  // read from the server's metadata
  EXPECT_EQ(run["requests"], 400);
  EXPECT_GE(run["mean_batch_size"].get<double>(), 1.0);
  EXPECT_EQ(run["energy_method"], "estimate");  // of the server's process, found by its port
  EXPECT_NE(run["energy_domains"][0]["measures"].get<std::string>().find(
                "process " + std::to_string(server->pid())),
            std::string::npos);
  EXPECT_NE(r.output.find("400 answered"), std::string::npos) << r.output;
}

TEST_F(Serving, ShufflenetBinaryImagesAgreeWithAnInProcessRun) {
  // The same configuration twice: in this process, then served and driven over loopback. A rate
  // the model keeps up with, and a policy whose response is its batching's rather than the
  // machine's other load (docs/serving.md, "Agreement").
  const std::string config =
      "--model " + kShufflenet +
      " --rate 12 --arrival paper --requests 128 --policy fixed:4,timeout=200ms "
      "--seed 3 --idle-seconds 1 --meter estimate";
  const CommandResult in_process =
      greenbatch("run " + config + " --warmup-batches 4 --warmup-batch-size 8 --out " +
                 (dir_ / "run").string());
  ASSERT_EQ(in_process.code, 0) << in_process.output;
  auto server = serve({"--model", kShufflenet, "--policy", "fixed:4,timeout=200ms",
                       "--warmup-batches", "4", "--warmup-batch-size", "8"});
  const CommandResult served = load(server->url(), config, "load");
  ASSERT_EQ(served.code, 0) << served.output;
  const json a = last_run("run"), b = last_run("load");
  EXPECT_EQ(b["load"]["answered"], 128) << b["load"].dump();
  EXPECT_EQ(b["load"]["sent_as"], "image BYTES [1] (an encoded image), binary tensors");
  const double ea = a["energy_per_image_j"], eb = b["energy_per_image_j"];
  const double pa = a["response_p50_s"], pb = b["response_p50_s"];
  // Tolerances measured on this project's 2-core machine (docs/serving.md, "Agreement").
  EXPECT_LT(std::fabs(eb - ea) / ea, 0.05) << "energy/img run " << ea << " J, load " << eb << " J";
  EXPECT_LT(std::fabs(pb - pa), 0.15 * pa + 0.005) << "p50 run " << pa << " s, load " << pb << " s";
}

TEST_F(Serving, ConformsToTheProtocolWithAClientWeDidNotWrite) {
  auto server = serve({"--model", kShufflenet, "--policy", "fixed:4,timeout=5ms", "--max-body-mib",
                       "1", "--energy-per-request"});
  const CommandResult r =
      run_shell("/usr/bin/python3 " + source_dir() + "/tests/serving/conformance.py " +
                server->url() + " " + kShufflenet + " 1048576");
  EXPECT_EQ(r.code, 0) << r.output;
}

TEST_F(Serving, OpenLoopKeepsSendingWhileTheServerStalls) {
  // The stub holds every answer for its first 2 s: at 200/s, 400 requests are in flight at once.
  auto stub = this->stub("stall_server.py", {"2", "700"});
  const CommandResult r =
      load(stub->url(),
           "--model stub --policy greedy --arrival constant --rate 200 --requests 700"
           " --idle-seconds 0",
           "stall");
  ASSERT_EQ(r.code, 0) << r.output << server_log();
  const json run = last_run("stall");
  EXPECT_EQ(run["load"]["answered"], 700) << run["load"].dump();
  EXPECT_LE(run["release_lag_us"]["p99"].get<double>(), 5000) << run["release_lag_us"].dump();
  // The late answers are counted with their whole wait, never dropped: the first request waited
  // the stall out.
  EXPECT_GE(run["response_max_s"].get<double>(), 1.9);
  EXPECT_GE(run["load"]["connections"].get<int>(), 300);
  EXPECT_FALSE(run["load"]["server_batches"]);
  EXPECT_TRUE(run["batches"].is_null());  // a server that does not say its batches
}

TEST_F(Serving, UnansweredRequestsAreCountedAsTimedOut) {
  auto stub = this->stub("stall_server.py", {"3", "100"});
  const CommandResult r = load(stub->url(),
                               "--model stub --policy greedy --arrival constant --rate 100 "
                               "--requests 100 --idle-seconds 0 --timeout 1s",
                               "timeouts");
  ASSERT_EQ(r.code, 0) << r.output << server_log();
  const json l = last_run("timeouts")["load"];
  EXPECT_EQ(l["timed_out"], 100) << l.dump();
  EXPECT_EQ(l["answered"], 0);
  EXPECT_NE(r.output.find("100 timed out"), std::string::npos) << r.output;
}

TEST_F(Serving, OverloadGets503sEveryAcceptedRequestIsAnsweredAndTheServerStaysHealthy) {
  auto server = serve({"--model", kShufflenet, "--policy", "greedy:4", "--max-queue", "4"});
  const auto rss_kb = [&] {
    std::ifstream in("/proc/" + std::to_string(server->pid()) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0L;
  };
  const long before = rss_kb();
  // Everything at once: 300 requests at time zero against a queue of four images.
  const CommandResult r = load(server->url(),
                               "--model " + kShufflenet +
                                   " --arrival offline --requests 300 "
                                   "--idle-seconds 0",
                               "burst");
  ASSERT_EQ(r.code, 0) << r.output << server_log();
  const json l = last_run("burst")["load"];
  EXPECT_EQ(l["sent"], 300);
  EXPECT_GT(l["answered"].get<int>(), 0) << l.dump();
  EXPECT_GT(l["http_errors"].get<int>(), 0) << l.dump();
  // Every failure is a 503 (refused at once); every accepted request was answered.
  EXPECT_EQ(l["statuses"], json({{"503", l["http_errors"]}})) << l.dump();
  EXPECT_EQ(l["answered"].get<int>() + l["http_errors"].get<int>(), 300) << l.dump();
  EXPECT_LT(rss_kb() - before, 200 * 1024) << "RSS grew from " << before << " kB";
  const CommandResult after =
      load(server->url(), "--model " + kShufflenet + " --rate 20 --requests 20 --idle-seconds 0",
           "after");
  ASSERT_EQ(after.code, 0) << after.output;
  EXPECT_EQ(last_run("after")["load"]["answered"], 20);
}

TEST_F(Serving, SigtermDrainsAndEveryRequestEndsAnsweredOrFailed) {
  auto server = serve({"--model", kShufflenet, "--policy", "fixed:8,timeout=200ms"});
  const int pid = server->pid();
  std::thread stop([pid] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(pid, SIGTERM);
  });
  const CommandResult r =
      load(server->url(),
           "--model " + kShufflenet + " --rate 40 --requests 200 --idle-seconds 0 --timeout 20s",
           "sigterm");
  stop.join();
  ASSERT_EQ(r.code, 0) << r.output << server_log();
  const json l = last_run("sigterm")["load"];
  EXPECT_GT(l["answered"].get<int>(), 0) << l.dump();
  EXPECT_GT(l["failed"].get<int>(), 0) << l.dump();  // sent after the server stopped listening
  EXPECT_EQ(l["answered"].get<int>() + l["failed"].get<int>(), 200) << l.dump();
  EXPECT_EQ(l["timed_out"], 0) << l.dump();  // nothing accepted was left unanswered
  for (int i = 0; i < 200 && server_log().find("serve: stopped") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the drain's end, bounded
  }
  const std::string log = server_log();
  EXPECT_NE(log.find("serve: SIGTERM: draining"), std::string::npos) << log;
  EXPECT_NE(log.find("serve: drained: every accepted request answered"), std::string::npos) << log;
  EXPECT_NE(log.find("serve: stopped"), std::string::npos) << log;
}

TEST_F(Serving, PoliciesThatNeedTheFutureOrAnEndAreRefused) {
  for (const char* policy : {"fixed:8", "offline:100ms"}) {
    const CommandResult r =
        greenbatch(std::string("serve --model noop --port 0 --policy ") + policy);
    EXPECT_EQ(r.code, 2) << policy << ": " << r.output;
    EXPECT_EQ(r.output.find("listening"), std::string::npos) << r.output;
  }
  EXPECT_NE(greenbatch("serve --model noop --port 0 --policy fixed:8")
                .output.find("add one: fixed:8,timeout=50ms"),
            std::string::npos);
}

}  // namespace
}  // namespace gb::testing
