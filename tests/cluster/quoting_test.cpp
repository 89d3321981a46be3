// Quoting for job scripts, checked by the shells that read it: every hostile text a path or an
// option may hold comes back exactly; and run_program, which the checks (and sbatch) go through.
#include "cluster/quoting.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cluster/process.h"
#include "common/errors.h"
#include "test_paths.h"
#include "usage_message.h"

namespace gb {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::vector<std::string> kHostile = {"plain",
                                           "/abs/path/a.toml",
                                           "",
                                           "a b",
                                           "it's",
                                           "\"double\"",
                                           "$HOME",
                                           "${x:-y}",
                                           "`id`",
                                           "$(id)",
                                           "a\nb\n",
                                           "back\\slash",
                                           "#not comment",
                                           "!event",
                                           "*.sqlite",
                                           "~root",
                                           "a=b",
                                           "-x",
                                           "tab\there",
                                           "semi;colon&",
                                           "p|q>r<s",
                                           "é ünïcödé",
                                           "'",
                                           "''\\''",
                                           "%a %A %%",
                                           "{a,b}",
                                           "\r\x1b[31m"};

// What `shell` prints for `printf %s WORD`, the script run from a file.
std::string printed_by(const std::string& shell, const std::string& word, const fs::path& dir) {
  const fs::path script = dir / "print.sh";
  std::ofstream(script) << "printf %s " << word << "\n";
  const ProgramResult r = run_program({shell, script.string()}, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(ShellQuote, EveryHostileTextComesBackExactlyInBashAndSh) {
  const fs::path dir = testing::scratch_dir("quoting");
  for (const std::string& text : kHostile) {
    const std::string word = shell_quote(text);
    EXPECT_EQ(printed_by("/bin/bash", word, dir), text) << word;
    EXPECT_EQ(printed_by("/bin/sh", word, dir), text) << word;
  }
  fs::remove_all(dir);
}

TEST(ShellQuote, PlainTextStaysReadableAndTheRestIsQuoted) {
  EXPECT_EQ(shell_quote("/shared/paper/results"), "/shared/paper/results");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("a=b"), "'a=b'");  // a command word would be an assignment
}

TEST(ShellQuote, RefusesNul) {
  EXPECT_NE(testing::message_of([] {
              shell_quote(std::string("a\0b", 3), "--out");
            }).find("--out holds a NUL byte"),
            std::string::npos);
}

TEST(SbatchQuote, EscapesQuotesAndBackslashesAndRefusesControlCharacters) {
  EXPECT_EQ(sbatch_quote("a b", "x"), "\"a b\"");
  EXPECT_EQ(sbatch_quote("say \"hi\" \\o/ # $x", "x"), "\"say \\\"hi\\\" \\\\o/ # $x\"");
  for (const char* bad : {"a\nb", "a\rb", "a\tb", "a\x1b"}) {
    EXPECT_NE(testing::message_of([&] {
                sbatch_quote(bad, "--sbatch-arg 'x'");
              }).find("--sbatch-arg 'x' holds a control character"),
              std::string::npos)
        << bad;
  }
}

TEST(RunProgram, SeparatesOutputAndErrorAndReturnsTheExitCode) {
  const ProgramResult r = run_program({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 30s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.truncated);
}

TEST(RunProgram, BoundsWhatItKeepsAndStillReadsToTheEnd) {
  const ProgramResult r =
      run_program({"/bin/sh", "-c", "head -c 200000 /dev/zero; echo done >&2"}, 30s, 1000);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 1000u);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.err, "done\n");
}

TEST(RunProgram, KillsAProgramThatOutlivesItsLimit) {
  // Closing its streams first does not let it escape the limit either.
  const ProgramResult r = run_program({"/bin/sh", "-c", "exec >&- 2>&-; sleep 30"}, 200ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, -1);
}

TEST(RunProgram, AMissingProgramIsARunErrorNamingIt) {
  try {
    run_program({"/nonexistent/gb-no-such-program"}, 30s);
    ADD_FAILURE() << "started a missing program";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gb-no-such-program"), std::string::npos);
  }
}

TEST(FindProgram, FindsExecutablesOnPathOnly) {
  EXPECT_EQ(find_program("sh").front(), '/');
  EXPECT_EQ(find_program("gb-no-such-program"), "");
  EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
  EXPECT_EQ(find_program("/etc/passwd"), "");  // not executable
}

TEST(FirstLine, KeepsOneLineWithoutControlCharacters) {
  EXPECT_EQ(first_line("sbatch: error: \x1b[31mInvalid account\r\nmore"),
            "sbatch: error: [31mInvalid account");
  EXPECT_EQ(first_line(std::string(1000, 'x')).size(), 300u);
}

}  // namespace
}  // namespace gb
