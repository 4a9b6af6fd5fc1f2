#include "tools/hub_sample/vocabulary.h"

#include <map>

namespace hub::sample {
namespace {

std::vector<Name> Names(
    std::initializer_list<const char*> plain,
    std::initializer_list<std::pair<const char*, const char*>> accented) {
  std::vector<Name> out;
  for (const char* n : plain) {
    std::string ascii = n;
    for (char& c : ascii)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    out.push_back({n, ascii});
  }
  for (const auto& [text, ascii] : accented) out.push_back({text, ascii});
  return out;
}

Vocabulary Build() {
  Vocabulary v;
  v.first_names = Names(
      {"Ana",     "Li",     "James",  "Maria",  "Robert", "Linda",   "Michael",
       "Sarah",   "David",  "Emma",   "Daniel", "Olivia", "Thomas",  "Sophia",
       "Kevin",   "Laura",  "Brian",  "Nina",   "Carlos", "Priya",   "Rahul",
       "Aisha",   "Omar",   "Fatima", "Wei",    "Mei",    "Hiroshi", "Yuki",
       "Lars",    "Ingrid", "Pierre", "Claire", "Lukas",  "Hannah",  "Marco",
       "Giulia",  "Diego",  "Lucia",  "Ivan",   "Olga",   "Peter",   "Anna",
       "John",    "Mary",   "Paul",   "Karen",  "Mark",   "Susan",   "Steven",
       "Lisa",    "Andrew", "Nancy",  "Joshua", "Betty",  "Ryan",    "Helen",
       "Jason",   "Sandra", "Eric",   "Ashley", "Adam",   "Emily",   "Noah",
       "Grace",   "Ethan",  "Chloe",  "Liam",   "Mia",    "Lucas",   "Zara",
       "Amir",    "Leila",  "Kenji",  "Sakura", "Arjun",  "Ananya",  "Mateo",
       "Valeria", "Felix",  "Julia",  "Oscar",  "Elena",  "Victor",  "Irene",
       "Samuel",  "Rachel", "Nathan", "Alice",  "Henry",  "Clara",   "Jonas",
       "Freya",   "Tariq",  "Noor",   "Kwame",  "Ama"},
      {{"José", "jose"},
       {"Zoë", "zoe"},
       {"Chloé", "chloe"},
       {"Søren", "soren"},
       {"Łukasz", "lukasz"},
       {"Renée", "renee"},
       {"Björn", "bjorn"},
       {"Inés", "ines"}});
  v.last_names = Names(
      {"Ruiz",      "Wei",     "Smith",    "Johnson", "Williams",  "Brown",
       "Jones",     "Garcia",  "Miller",   "Davis",   "Rodriguez", "Martinez",
       "Hernandez", "Lopez",   "Gonzalez", "Wilson",  "Anderson",  "Taylor",
       "Moore",     "Jackson", "Martin",   "Lee",     "Perez",     "Thompson",
       "White",     "Harris",  "Sanchez",  "Clark",   "Lewis",     "Robinson",
       "Walker",    "Young",   "Allen",    "King",    "Wright",    "Scott",
       "Torres",    "Nguyen",  "Hill",     "Flores",  "Green",     "Adams",
       "Nelson",    "Baker",   "Hall",     "Rivera",  "Campbell",  "Mitchell",
       "Carter",    "Roberts", "Chen",     "Wang",    "Zhang",     "Liu",
       "Yang",      "Huang",   "Tanaka",   "Suzuki",  "Sato",      "Kim",
       "Park",      "Patel",   "Shah",     "Singh",   "Kumar",     "Gupta",
       "Khan",      "Ali",     "Hassan",   "Ibrahim", "Mueller",   "Schmidt",
       "Schneider", "Fischer", "Weber",    "Meyer",   "Wagner",    "Becker",
       "Dubois",    "Laurent", "Bernard",  "Moreau",  "Rossi",     "Russo",
       "Ferrari",   "Bianchi", "Silva",    "Santos",  "Oliveira",  "Costa",
       "Pereira",   "Jensen",  "Nielsen",  "Hansen",  "Larsen",    "Andersson",
       "Johansson", "Novak",   "Kowalski", "Ivanov",  "Petrov",    "Murphy",
       "Kelly",     "Walsh",   "Byrne",    "Okafor",  "Mensah",    "Cohen",
       "Levi",      "Morgan",  "Reed",     "Cook",    "Bell",      "Ward",
       "Cruz",      "Ortiz",   "Ramos",    "Reyes",   "Vargas",    "Castillo",
       "Jimenez",   "Moreno",  "Romero",   "Alvarez", "Fox",       "Stone",
       "Hayes",     "Price",   "Bennett",  "Wood",    "Barnes",    "Ross",
       "Ford"},
      {{"O'Neil", "oneil"},
       {"Müller", "muller"},
       {"García", "garcia"},
       {"Nuñez", "nunez"},
       {"Øster", "oster"},
       {"Dvořák", "dvorak"}});
  v.company_heads = {
      "Blue",        "North",   "Summit",   "Apex",     "Bright",   "Iron",
      "Silver",      "Pacific", "Granite",  "Cedar",    "Harbor",   "Pioneer",
      "Vertex",      "Quantum", "Nimbus",   "Sterling", "Crimson",  "Aurora",
      "Falcon",      "Horizon", "Atlas",    "Beacon",   "Cobalt",   "Delta",
      "Ember",       "Fjord",   "Golden",   "Hudson",   "Indigo",   "Juniper",
      "Keystone",    "Lumen",   "Maple",    "Nova",     "Orion",    "Polar",
      "Quartz",      "Redwood", "Sierra",   "Titan",    "Unity",    "Vantage",
      "Willow",      "Zenith",  "Acorn",    "Birch",    "Canyon",   "Dune",
      "Echo",        "Forge",   "Glacier",  "Helix",    "Island",   "Jade",
      "Kestrel",     "Lark",    "Meridian", "Noble",    "Onyx",     "Prairie",
      "Raven",       "Slate",   "Tundra",   "Upland",   "Valley",   "Westwind",
      "Yellowstone", "Amber",   "Boulder",  "Coral",    "Drift",    "Evergreen",
      "Frontier",    "Grove",   "Highland", "Ivory",    "Lakeside", "Mesa",
      "Oak",         "Pine"};
  v.company_cores = {
      "Systems",    "Analytics",  "Dynamics", "Logistics", "Health",
      "Foods",      "Works",      "Networks", "Capital",   "Labs",
      "Software",   "Solutions",  "Robotics", "Energy",    "Media",
      "Partners",   "Industries", "Holdings", "Devices",   "Materials",
      "Telecom",    "Pharma",     "Retail",   "Learning",  "Finance",
      "Insurance",  "Mobility",   "Security", "Cloud",     "Data",
      "Bio",        "Motors",     "Textiles", "Chemicals", "Studios",
      "Consulting", "Freight",    "Clinics",  "Markets",   "Instruments"};
  v.company_suffixes = {"Inc.", "LLC", "Ltd.", "GmbH", "Group",
                        "Corp", "Co.", "",     "",     ""};
  v.industries = {
      "Software", "Financial Services", "Healthcare", "Manufacturing",
      "Retail",   "Education",          "Media",      "Logistics"};
  v.senior_titles = {"VP, Marketing",
                     "VP of Sales",
                     "Chief Technology Officer",
                     "Head of Growth",
                     "Director of IT",
                     "Chief Revenue Officer",
                     "VP Engineering",
                     "Director, Operations",
                     "CFO",
                     "Head of Customer Success"};
  v.titles = {"Marketing Manager",
              "Sales Operations Manager",
              "Data Analyst",
              "Software Engineer",
              "Product Manager",
              "Account Executive",
              "Customer Success Manager",
              "IT Administrator",
              "Business Analyst",
              "Procurement Specialist",
              "Demand Generation Manager",
              "Solutions Architect",
              "RevOps Analyst",
              "Office Manager",
              "Project Manager"};
  v.streets = {"Main St",    "Market St", "Oak Ave",  "Harbor Blvd",
               "Park Rd",    "King St",   "High St",  "Broadway",
               "Mission St", "Elm St",    "Pine Ave", "River Rd"};
  v.free_mail_domains = {"gmail.com",   "yahoo.com",  "outlook.com",
                         "hotmail.com", "icloud.com", "proton.me",
                         "aol.com",     "gmx.de"};
  v.area_codes = {"415", "212", "646", "312", "617", "206", "512", "303", "404",
                  "305", "213", "310", "408", "503", "602", "619", "702", "713",
                  "720", "801", "818", "858", "917", "919", "971"};
  v.campaign_topics = {"Product update",  "Customer story",
                       "Webinar invite",  "Monthly newsletter",
                       "Pricing news",    "Release notes",
                       "Event recap",     "Best practices",
                       "Industry report", "Security bulletin"};
  v.ticket_subjects = {"SSO login fails",
                       "Cannot export report",
                       "Billing question",
                       "API rate limit exceeded",
                       "Dashboard is slow",
                       "How do I add a user?",
                       "Data import stuck at 90%",
                       "Error \"403 Forbidden\" on sync",
                       "Invoice address change",
                       "Webhook not firing",
                       "Feature request: dark mode",
                       "Password reset, urgent"};
  v.nps_comments = {"",
                    "",
                    "Great product, \"just works\".",
                    "Support is slow",
                    "Love the dashboards.\nWould like SSO for all plans.",
                    "Too expensive for what we use",
                    "Onboarding was smooth, thanks!",
                    "Reports break, often",
                    "Does the job",
                    "Best tool we bought this year"};
  v.csat_comments = {"",
                     "",
                     "Quick fix",
                     "Solved, thanks",
                     "Took too long",
                     "Answer did not help",
                     "Great \"first-line\" support",
                     "OK"};
  v.site_paths = {"/",
                  "/pricing",
                  "/product",
                  "/product/integrations",
                  "/customers",
                  "/blog/lifecycle-metrics",
                  "/blog/identity-resolution",
                  "/about",
                  "/resources/roi-guide",
                  "/careers",
                  "/docs/getting-started",
                  "/compare"};
  v.app_paths = {"/app/dashboard", "/app/reports",  "/app/settings",
                 "/app/profiles",  "/app/segments", "/app/sources"};
  return v;
}

}  // namespace

const Vocabulary& GetVocabulary() {
  static const Vocabulary* const kVocabulary = new Vocabulary(Build());
  return *kVocabulary;
}

const std::vector<std::string>& CountriesOf(const std::string& region) {
  static const auto* const kCountries =
      new std::map<std::string, std::vector<std::string>>{
          {"na", {"United States", "United States", "United States", "Canada"}},
          {"emea",
           {"United Kingdom", "Germany", "France", "Netherlands", "Spain",
            "Sweden"}},
          {"apac", {"Australia", "Japan", "Singapore", "India"}},
          {"latam", {"Brazil", "Mexico", "Argentina", "Chile"}}};
  return kCountries->at(region);
}

}  // namespace hub::sample
