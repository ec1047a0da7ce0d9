// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A PostgreSQL server of the tests' own: initdb into a temporary directory,
// pg_ctl start listening on a Unix socket in that directory only (no TCP),
// stopped and removed when the test process exits. One per test process,
// started on first use (PgTestServer::Shared), so a test binary that runs
// all its cases in one process pays the start-up once. When the tests run
// as root, the server runs as the `postgres` user (the postgresql package
// makes it), since PostgreSQL refuses to run as root.
//
// The cluster is made for speed: fsync off (the tests kill clients, not
// the machine), C locale, UTF8, trust authentication on the socket except
// for the user kPasswordUser, who must give kPassword (for the tests of a
// wrong password).
#ifndef SLICEKIT_TESTS_TESTING_PG_SERVER_H_
#define SLICEKIT_TESTS_TESTING_PG_SERVER_H_

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace slicekit::testing {

class PgTestServer {
 public:
  static constexpr char kPasswordUser[] = "pwuser";
  static constexpr char kPassword[] = "Sekr3t-pw-4711";

  // The process's server, started on first use; nullptr when PostgreSQL's
  // server programs are not installed (then `*skip` says so) or it failed
  // to start (`*skip` says why, and the caller should fail).
  static PgTestServer* Shared(std::string* skip, bool* missing) {
    static std::unique_ptr<PgTestServer> server;
    static std::string why;
    static bool binaries_missing = false;
    static bool tried = false;
    if (!tried) {
      tried = true;
      server.reset(new PgTestServer());
      why = server->Init(&binaries_missing);
      if (!why.empty()) server.reset();
    }
    *skip = why;
    *missing = binaries_missing;
    return server.get();
  }

  ~PgTestServer() {
    if (started_) Ctl({"stop", "-m", "immediate"});
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // A URI of database `db` ("slicekit", made at start) as the superuser
  // "slicekit", with `extra` query parameters ("options=..."), or as
  // `user:password`.
  std::string Uri(const std::string& extra = "",
                  const std::string& userinfo = "slicekit",
                  const std::string& db = "slicekit") const {
    return absl::StrCat("postgresql://", userinfo, "@/", db, "?host=", dir_,
                        "&port=", kPort, extra.empty() ? "" : "&", extra);
  }

  // A URI of a new, empty store: its own schema, on the search path.
  std::string NewStoreUri() {
    const std::string schema = absl::StrCat("s", getpid(), "_", ++stores_);
    const std::string error = Sql(absl::StrCat("CREATE SCHEMA ", schema));
    EXPECT_EQ(error, "") << "creating schema " << schema;
    return Uri(absl::StrCat("options=-csearch_path%3D", schema));
  }

  // Runs `sql` as the superuser on database "slicekit"; "" or the error.
  std::string Sql(const std::string& sql, const std::string& db = "slicekit") {
    PGconn* conn = PQconnectdb(Uri("", "slicekit", db).c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
      error = PQerrorMessage(conn);
    } else {
      PGresult* res = PQexec(conn, sql.c_str());
      const ExecStatusType status = PQresultStatus(res);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        error = PQresultErrorMessage(res);
      }
      PQclear(res);
    }
    PQfinish(conn);
    return error;
  }

  // Stops the server (fast shutdown) and starts it again: every client's
  // connection is cut.
  bool Stop() { return Ctl({"stop", "-m", "fast"}); }
  bool Start() { return Ctl(StartArgs()); }

  const std::string& dir() const { return dir_; }
  static constexpr int kPort = 54329;

 private:
  PgTestServer() = default;

  // The directory of PostgreSQL's server programs, or "".
  static std::string BinDir() {
    if (const char* env = std::getenv("SLICEKIT_PG_BINDIR")) return env;
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const std::string bin = entry.path().string() + "/bin";
      if (access((bin + "/initdb").c_str(), X_OK) == 0 &&
          access((bin + "/pg_ctl").c_str(), X_OK) == 0) {
        found.push_back(bin);
      }
    }
    if (!found.empty()) return *std::max_element(found.begin(), found.end());
    for (const char* dir : {"/usr/local/bin", "/usr/bin"}) {
      if (access((std::string(dir) + "/initdb").c_str(), X_OK) == 0 &&
          access((std::string(dir) + "/pg_ctl").c_str(), X_OK) == 0) {
        return dir;
      }
    }
    return "";
  }

  // Runs bin_/program with `args` as the server's user, output to the log;
  // whether it exited 0.
  bool Run(const std::string& program, const std::vector<std::string>& args) {
    std::vector<std::string> argv_strings = {bin_ + "/" + program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
      const int log = open((dir_ + "/setup.log").c_str(),
                           O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        dup2(log, 1);
        dup2(log, 2);
      }
      if (uid_ != static_cast<uid_t>(-1) &&
          (setgid(gid_) != 0 || setuid(uid_) != 0)) {
        _exit(125);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  std::vector<std::string> StartArgs() const {
    return {"start",
            "-w",
            "-t",
            "60",
            "-l",
            dir_ + "/server.log",
            "-o",
            absl::StrCat("-c listen_addresses='' -c unix_socket_directories='",
                         dir_, "' -p ", kPort,
                         " -c fsync=off -c synchronous_commit=off"
                         " -c full_page_writes=off -c max_connections=60"
                         " -c shared_buffers=16MB")};
  }

  bool Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"-D", dir_ + "/data"});
    return Run("pg_ctl", args);
  }

  std::string Log() const {
    std::stringstream out;
    for (const char* name : {"/setup.log", "/server.log"}) {
      std::ifstream in(dir_ + name);
      out << in.rdbuf();
    }
    return out.str();
  }

  // Sets up and starts the server; "" or why not.
  std::string Init(bool* missing) {
    bin_ = BinDir();
    if (bin_.empty()) {
      *missing = true;
      return "PostgreSQL's server programs (initdb, pg_ctl) are not "
             "installed (Debian: apt-get install postgresql; or set "
             "SLICEKIT_PG_BINDIR): the PostgreSQL store tests are skipped";
    }
    std::string tmpl = "/tmp/slicekit_pg_XXXXXX";  // short: socket paths
    if (mkdtemp(tmpl.data()) == nullptr) return "mkdtemp failed";
    dir_ = tmpl;
    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (pw == nullptr) {
        return "the tests run as root and there is no `postgres` user to "
               "run the server as";
      }
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
      if (chown(dir_.c_str(), uid_, gid_) != 0) return "chown failed";
    }
    chmod(dir_.c_str(), 0755);
    if (!Run("initdb", {"-D", dir_ + "/data", "-U", "slicekit", "-A", "trust",
                        "-E", "UTF8", "--locale=C", "-N"})) {
      return "initdb failed:\n" + Log();
    }
    {
      // The password user first: pg_hba.conf's first match decides.
      const std::string hba = dir_ + "/data/pg_hba.conf";
      std::ifstream in(hba);
      std::stringstream rest;
      rest << in.rdbuf();
      in.close();
      std::ofstream out(hba, std::ios::trunc);
      out << "local all " << kPasswordUser << " scram-sha-256\n" << rest.str();
    }
    if (!Start()) return "pg_ctl start failed:\n" + Log();
    started_ = true;
    for (const std::string& sql :
         {std::string("CREATE DATABASE slicekit"),
          absl::StrCat("CREATE ROLE ", kPasswordUser, " LOGIN PASSWORD '",
                       kPassword, "'")}) {
      const std::string error = Sql(sql, "postgres");
      if (!error.empty()) return sql + ": " + error;
    }
    return "";
  }

  std::string bin_;
  std::string dir_;
  uid_t uid_ = static_cast<uid_t>(-1);
  gid_t gid_ = static_cast<gid_t>(-1);
  bool started_ = false;
  int stores_ = 0;
};

// In a test: the shared server, or GTEST_SKIP() when PostgreSQL is not
// installed, or a failure when it would not start.
#define SLICEKIT_PG_SERVER_OR_SKIP(server)                                    \
  ::slicekit::testing::PgTestServer* server = nullptr;                        \
  do {                                                                        \
    std::string pg_why;                                                       \
    bool pg_missing = false;                                                  \
    server = ::slicekit::testing::PgTestServer::Shared(&pg_why, &pg_missing); \
    if (server == nullptr && pg_missing) GTEST_SKIP() << pg_why;              \
    if (server == nullptr) FAIL() << pg_why;                                  \
  } while (0)

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_PG_SERVER_H_
