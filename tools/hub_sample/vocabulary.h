// Word lists hub-sample draws names, titles and texts from.
#ifndef HUB_TOOLS_HUB_SAMPLE_VOCABULARY_H_
#define HUB_TOOLS_HUB_SAMPLE_VOCABULARY_H_

#include <string>
#include <vector>

namespace hub::sample {

// A personal name as written (UTF-8, may carry accents) and its ASCII form
// used in email addresses.
struct Name {
  std::string text;
  std::string ascii;
};

struct Vocabulary {
  std::vector<Name> first_names;
  std::vector<Name> last_names;
  std::vector<std::string> company_heads;     // "Blue", "Summit", ...
  std::vector<std::string> company_cores;     // "Systems", "Analytics", ...
  std::vector<std::string> company_suffixes;  // "Inc.", "GmbH", "" ...
  std::vector<std::string> industries;        // exactly 8
  std::vector<std::string> senior_titles;     // decision makers
  std::vector<std::string> titles;            // everyone else
  std::vector<std::string> streets;
  std::vector<std::string> free_mail_domains;
  std::vector<std::string> area_codes;
  std::vector<std::string> campaign_topics;
  std::vector<std::string> ticket_subjects;
  std::vector<std::string> nps_comments;
  std::vector<std::string> csat_comments;
  std::vector<std::string> site_paths;  // marketing site pages, "/pricing"
  std::vector<std::string> app_paths;   // product pages, "/app/dashboard"
};

// The built-in lists (constructed once; thread-safe after first use).
const Vocabulary& GetVocabulary();

// Countries of a region ("na", "emea", "apac", "latam").
const std::vector<std::string>& CountriesOf(const std::string& region);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_VOCABULARY_H_
