#ifndef CUSTOS_C_POSIX_SPAWN_H
#define CUSTOS_C_POSIX_SPAWN_H

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): <spawn.h> declares it only under
/// _GNU_SOURCE, which the Glibc module Swift imports is not built with.
int custos_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
