#include "storage/s3_credentials.h"

#include <cstdlib>
#include <fstream>
#include <map>

namespace binlake {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// The key=value pairs of one [profile] section of an INI-style AWS file; nullopt when the
// file or the section is missing.
std::optional<std::map<std::string, std::string>> ReadProfile(const std::string& path,
                                                              const std::string& profile) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<std::map<std::string, std::string>> found;
  bool in_section = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string name = Trim(std::string_view(t).substr(1, t.size() - 2));
      if (name.starts_with("profile ")) name = Trim(std::string_view(name).substr(8));
      in_section = name == profile;
      if (in_section && !found) found.emplace();
      continue;
    }
    size_t eq = t.find('=');
    if (!in_section || eq == std::string::npos) continue;
    (*found)[Trim(std::string_view(t).substr(0, eq))] = Trim(std::string_view(t).substr(eq + 1));
  }
  return found;
}

Result<S3Credentials> Pair(std::string id, std::string secret, std::string token,
                           std::string source) {
  if (id.empty() != secret.empty()) {
    return InvalidArgumentError(
        "S3 credentials from {} have {} but not {}; set both the access key id and the secret "
        "access key",
        source, id.empty() ? "a secret access key" : "an access key id",
        id.empty() ? "an access key id" : "a secret access key");
  }
  return S3Credentials{std::move(id), std::move(secret), std::move(token), std::move(source)};
}

}  // namespace

EnvLookup SystemEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<S3Credentials> ResolveS3Credentials(const S3Options& options, const EnvLookup& env) {
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    return Pair(options.access_key_id, options.secret_access_key, options.session_token, "options");
  }
  std::string id = env("AWS_ACCESS_KEY_ID").value_or("");
  std::string secret = env("AWS_SECRET_ACCESS_KEY").value_or("");
  if (!id.empty() || !secret.empty()) {
    return Pair(std::move(id), std::move(secret), env("AWS_SESSION_TOKEN").value_or(""),
                "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  }
  std::string file = options.credentials_file;
  if (file.empty()) file = env("AWS_SHARED_CREDENTIALS_FILE").value_or("");
  if (file.empty()) {
    std::optional<std::string> home = env("HOME");
    if (home && !home->empty()) file = *home + "/.aws/credentials";
  }
  std::string profile = options.profile;
  if (profile.empty()) profile = env("AWS_PROFILE").value_or("");
  if (profile.empty()) profile = "default";
  if (!file.empty()) {
    std::optional<std::map<std::string, std::string>> section = ReadProfile(file, profile);
    if (section) {
      auto get = [&](const char* k) {
        auto it = section->find(k);
        return it == section->end() ? std::string() : it->second;
      };
      std::string source = fmt::format("{} [{}]", file, profile);
      if (get("aws_access_key_id").empty() && get("aws_secret_access_key").empty()) {
        return UnauthenticatedError(
            "profile [{}] in {} has no aws_access_key_id / aws_secret_access_key", profile, file);
      }
      return Pair(get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token"),
                  std::move(source));
    }
    if (!options.profile.empty() || env("AWS_PROFILE")) {
      return UnauthenticatedError(
          "S3 credentials profile [{}] not found in {}; add it or choose another profile", profile,
          file);
    }
  }
  return UnauthenticatedError(
      "no S3 credentials found: set access_key_id and secret_access_key in the S3 options, "
      "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or a [{}] profile "
      "in {}",
      profile, file.empty() ? "~/.aws/credentials" : file);
}

}  // namespace binlake
