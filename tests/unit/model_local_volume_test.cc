// The local-volume rule (model/local_volume.h): which mounts keep a service's data
// on its node — the one rule behind plan's check_data_move and advise's
// local data.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reconciler/model/local_volume.h"

namespace swarmform::model {
namespace {

TEST(LocalVolume, OnlyAVolumeOfTheLocalDriver) {
  const struct {
    const char* what;
    std::vector<LiveMount> mounts;
    bool local;
  } cases[] = {
      {"bind mount", {{"bind", "/srv/data", "/data", ""}}, false},
      {"named volume, default driver", {{"volume", "pgdata", "/var/lib/postgresql/data", ""}}, true},
      {"named volume, driver local", {{"volume", "pgdata", "/data", "local"}}, true},
      {"anonymous volume", {{"volume", "", "/cache", ""}}, true},
      {"volume of another driver", {{"volume", "shared", "/data", "nfs-csi"}}, false},
      {"tmpfs", {{"tmpfs", "", "/tmp", ""}}, false},
      {"no mounts", {}, false},
      {"a bind and a local volume", {{"bind", "/etc/app", "/etc/app", ""}, {"volume", "db", "/db", ""}}, true},
      {"tmpfs and an nfs volume", {{"tmpfs", "", "/run", ""}, {"volume", "n", "/n", "nfs"}}, false},
  };
  for (const auto& c : cases) {
    LiveService s;
    s.name = "svc";
    s.mounts = c.mounts;
    EXPECT_EQ(mounts_local_volume(s), c.local) << c.what;
    bool any = false;
    for (const LiveMount& m : c.mounts) any = any || is_local_volume(m);
    EXPECT_EQ(any, c.local) << c.what;
  }
}

}  // namespace
}  // namespace swarmform::model
