#pragma once
#include <CLI/CLI.hpp>

namespace tidemark::cli {

// Each registers its subcommand; the returned function runs it and gives the exit code.
using Runner = std::function<int()>;
Runner setup_embed(CLI::App& app);
Runner setup_detect(CLI::App& app);
Runner setup_keygen(CLI::App& app);
Runner setup_info(CLI::App& app);
Runner setup_mark(CLI::App& app);
Runner setup_verify(CLI::App& app);

}  // namespace tidemark::cli
