// hub-match as a user runs it: a real process, real files.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace hub::match {
namespace {

using ::hub::testing_support::TempDir;

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

ProcessResult HubMatch(const TempDir& dir, const std::string& args) {
  const std::string command = std::string(HUB_MATCH_BIN) + " --threads 2 " + args +
                              " >" + dir.File("out") + " 2>" + dir.File("err");
  const int status = std::system(command.c_str());
  ProcessResult run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(dir.File("out"));
  run.err = ReadFile(dir.File("err"));
  return run;
}

constexpr char kPeopleConfig[] = R"pb(
  id_column: "id"
  fields { column: "name" comparator: JARO_WINKLER }
  fields { column: "city" comparator: EXACT }
  fields { column: "note" comparator: TOKEN_SET }
  blocking { keys: "name:prefix2" }
)pb";

TEST(HubMatchTest, ReadsQuotedCsvWithEmbeddedNewlines) {
  TempDir dir;
  WriteFile(dir.File("match.textproto"), kPeopleConfig);
  WriteFile(dir.File("people.csv"),
            "id,name,city,note\n"
            "p1,Ann Lee,Paris,\"first line\nsecond, with comma\"\n"
            "\"p,2\",\"Ann \"\"Annie\"\" Lee\",Paris,plain\n"
            "p3,Bob,Rome,\n");
  ProcessResult run = HubMatch(dir, "--config " + dir.File("match.textproto") + " " +
                              dir.File("people.csv"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_EQ(lines[0], "record_id,cluster_id");
  EXPECT_TRUE(absl::StartsWith(lines[1], "p1,")) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines[2], "\"p,2\",")) << lines[2];
  EXPECT_EQ(lines[3], "p3,p3");
  EXPECT_NE(run.err.find("hub-match: 3 records, 1 candidate pairs"), std::string::npos)
      << run.err;
}

TEST(HubMatchTest, BadInputFailsWithAClearMessage) {
  TempDir dir;
  WriteFile(dir.File("match.textproto"), kPeopleConfig);
  WriteFile(dir.File("no_city.csv"), "id,name,note\np1,Ann,x\n");
  ProcessResult run = HubMatch(dir, "--config " + dir.File("match.textproto") + " " +
                              dir.File("no_city.csv"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "hub-match: " + dir.File("no_city.csv") +
                         ": no column \"city\" in the header\n");

  WriteFile(dir.File("bad.textproto"), "fields { column: \"name\" comparator: FUZZY }\n");
  run = HubMatch(dir, "--config " + dir.File("bad.textproto") + " " + dir.File("x.csv"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("hub-match: " + dir.File("bad.textproto") + ": line 1 column ", 0), 0u)
      << run.err;

  WriteFile(dir.File("noblock.textproto"),
            "fields { column: \"name\" comparator: EXACT }\n");
  run = HubMatch(dir, "--config " + dir.File("noblock.textproto") + " " + dir.File("x.csv"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "hub-match: " + dir.File("noblock.textproto") +
                         ": blocking: at least one blocking rule is required\n");

  WriteFile(dir.File("ragged.csv"), "id,name,city,note\np1,Ann,Paris\n");
  run = HubMatch(dir, "--config " + dir.File("match.textproto") + " " +
                          dir.File("ragged.csv"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "hub-match: " + dir.File("ragged.csv") +
                         ":2: 3 fields, the header has 4\n");

  run = HubMatch(dir, "--config " + dir.File("match.textproto") + " " +
                          dir.File("missing.csv"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("missing.csv"), std::string::npos) << run.err;
}

// The config shipped for FEBRL, on FEBRL dataset1: every one of the 500
// duplicate pairs is found and nothing else is merged.
TEST(HubMatchTest, DedupesFebrl1Exactly) {
  TempDir dir;
  ProcessResult run = HubMatch(dir, "--config " HUB_SOURCE_DIR "/bench/match_configs/febrl.textproto "
                          HUB_SHARED_DIR "/datasets/febrl/dataset1.csv --pairs " +
                              dir.File("pairs.csv"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1001u);
  const std::regex entity("rec-(\\d+)-");
  absl::flat_hash_map<std::string, std::string> cluster_of_entity;
  absl::flat_hash_map<std::string, std::string> entity_of_cluster;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(cols.size(), 2u);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(cols[0], m, entity)) << cols[0];
    const std::string id = m[1];
    auto [it, inserted] = cluster_of_entity.try_emplace(id, cols[1]);
    EXPECT_EQ(it->second, cols[1]) << "entity " << id << " split";
    auto [jt, fresh] = entity_of_cluster.try_emplace(cols[1], id);
    EXPECT_EQ(jt->second, id) << "cluster " << cols[1] << " mixes entities";
  }
  EXPECT_EQ(cluster_of_entity.size(), 500u);
  EXPECT_EQ(entity_of_cluster.size(), 500u);
  // The pairs file explains each pair field by field.
  const std::string pairs = ReadFile(dir.File("pairs.csv"));
  EXPECT_EQ(pairs.rfind("record_a,record_b,probability,log2_odds,given_name.level,"
                        "given_name.weight,surname.level,",
                        0),
            0u);
}

// Linking the two restaurant guides: 112 true cross pairs.
TEST(HubMatchTest, LinksTwoFiles) {
  TempDir dir;
  ProcessResult run = HubMatch(dir, "--config " HUB_SOURCE_DIR "/bench/match_configs/restaurant.textproto "
                          HUB_SHARED_DIR "/datasets/dedupe-restaurant/restaurant-1.csv "
                          HUB_SHARED_DIR "/datasets/dedupe-restaurant/restaurant-2.csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 865u);
  EXPECT_EQ(lines[0], "source,record_id,cluster_id");
  EXPECT_EQ(lines[1], "1,1,1:1");
  // Cross-file pairs: clusters holding one record of each file.
  absl::flat_hash_map<std::string, int> size;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(lines[i], ',');
    ++size[cols[2]];
  }
  int pairs = 0;
  for (const auto& [cluster, n] : size) {
    EXPECT_LE(n, 2) << cluster;
    pairs += n == 2;
  }
  EXPECT_EQ(pairs, 110);
}

}  // namespace
}  // namespace hub::match
