// advise --what-if HOST.cpus=N / HOST.memory=SIZE (issue 15): a host's
// capacity changed for the computation only, read as the loader reads
// `capacity:`.

#include <gtest/gtest.h>

#include "reconciler/advise/what_if.h"
#include "reconciler/config/loader.h"
#include "reconciler/model/quantity.h"

namespace swarmform::advise {
namespace {

model::DesiredState two_hosts() {
  const std::string text =
      "version: 1\ncluster:\n  manager: kvm4\nhosts:\n"
      "  kvm4:\n    ssh: root@203.0.113.4\n    capacity: {cpus: 4, memory: 16GiB}\n"
      "  kvm2:\n    ssh: root@203.0.113.2\n    capacity: {cpus: 2, memory: 8GiB}\n"
      "services:\n  api:\n    host: kvm4\n";
  config::Loaded l =
      config::load_desired_state({model::SourceFile{"a.yaml", text}}, config::LoadOptions{});
  EXPECT_TRUE(l.state);
  return l.state ? *l.state : model::DesiredState{};
}

TEST(AdviseWhatIf, SetsTheCpusAndSaysWhatWasDeclared) {
  model::DesiredState d = two_hosts();
  auto r = apply_what_if(d, "kvm4.cpus=8");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "kvm4.cpus=8 (declared 4)");
  EXPECT_EQ(d.hosts.at("kvm4").capacity.nano_cpus, 8'000'000'000);
  EXPECT_EQ(d.hosts.at("kvm4").capacity.memory_bytes, int64_t{16} << 30) << "memory as declared";
  EXPECT_EQ(d.hosts.at("kvm2").capacity.nano_cpus, 2'000'000'000) << "the other host as declared";
}

TEST(AdviseWhatIf, ReadsQuantitiesAsTheLoaderDoes) {
  model::DesiredState d = two_hosts();
  auto cpus = apply_what_if(d, "kvm2.cpus=1500m");
  ASSERT_TRUE(cpus) << cpus.error().message;
  EXPECT_EQ(*cpus, "kvm2.cpus=1.5 (declared 2)");
  EXPECT_EQ(d.hosts.at("kvm2").capacity.nano_cpus, 1'500'000'000);
  auto memory = apply_what_if(d, "kvm4.memory=32G");
  ASSERT_TRUE(memory) << memory.error().message;
  EXPECT_EQ(*memory, "kvm4.memory=32GiB (declared 16GiB)");
  EXPECT_EQ(d.hosts.at("kvm4").capacity.memory_bytes, int64_t{32} << 30);
}

TEST(AdviseWhatIf, AnUnknownHostNamesTheDeclaredOnes) {
  model::DesiredState d = two_hosts();
  auto r = apply_what_if(d, "kvm9.cpus=8");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--what-if kvm9.cpus=8: no host kvm9 (declared: kvm2, kvm4)");
}

TEST(AdviseWhatIf, OnlyCpusAndMemoryCanBeChanged) {
  model::DesiredState d = two_hosts();
  auto r = apply_what_if(d, "kvm4.disk=1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--what-if kvm4.disk=1: only cpus and memory can be changed");
  EXPECT_EQ(d.hosts.at("kvm4").capacity.nano_cpus, 4'000'000'000);
}

TEST(AdviseWhatIf, AQuantityTheLoaderRefusesIsRefusedWithItsMessage) {
  for (const std::string spec :
       {"kvm4.cpus=lots", "kvm4.cpus=0", "kvm4.cpus=-2", "kvm4.memory=8X", "kvm4.memory=0"}) {
    SCOPED_TRACE(spec);
    model::DesiredState d = two_hosts();
    auto r = apply_what_if(d, spec);
    ASSERT_FALSE(r);
    const std::string value = spec.substr(spec.find('=') + 1);
    auto parsed = spec.find(".cpus=") != std::string::npos ? model::parse_nano_cpus(value)
                                                           : model::parse_memory_bytes(value);
    ASSERT_FALSE(parsed) << "the loader's parser refuses it too";
    EXPECT_EQ(r.error().message, "--what-if " + spec + ": " + parsed.error().message);
    EXPECT_EQ(d.hosts.at("kvm4").capacity.nano_cpus, 4'000'000'000) << "unchanged";
    EXPECT_EQ(d.hosts.at("kvm4").capacity.memory_bytes, int64_t{16} << 30) << "unchanged";
  }
}

TEST(AdviseWhatIf, AFlagWithoutHostFieldOrValueSaysWhatItExpects) {
  for (const std::string spec : {"kvm4", "kvm4=8", "cpus=8", ".cpus=8"}) {
    model::DesiredState d = two_hosts();
    auto r = apply_what_if(d, spec);
    ASSERT_FALSE(r) << spec;
    EXPECT_EQ(r.error().message,
              "--what-if " + spec +
                  ": expected HOST.cpus=N or HOST.memory=SIZE (e.g. kvm4.cpus=8, "
                  "kvm4.memory=32GiB)");
  }
}

}  // namespace
}  // namespace swarmform::advise
