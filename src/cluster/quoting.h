// Text written into job scripts, quoted so that it means exactly itself: the one place where a
// path, a name or a user's option becomes shell or #SBATCH syntax (job_scripts.cpp uses nothing
// else). Tested with spaces, quotes, $, backticks, backslashes, # and newlines.
#pragma once

#include <string>
#include <string_view>

namespace gb {

// One word for a POSIX shell (bash, dash) that expands to exactly `text`, newlines included:
// as it is when it holds only characters no shell treats specially (letters, digits, and
// _ @ % + : , . / -), else single-quoted, a ' written as '\''. UsageError naming `what` for a
// NUL byte, which no shell word (and no path) can hold.
std::string shell_quote(std::string_view text, std::string_view what = "a job script's text");

// One value of an #SBATCH line, read back by sbatch as exactly `text`: double-quoted, with \ and
// " escaped by a backslash (sbatch's rules for its directives; an unquoted # would start a
// comment). UsageError naming `what` for a control character: a newline would end the directive,
// and what follows it would be a line of the script.
std::string sbatch_quote(std::string_view text, std::string_view what);

}  // namespace gb
