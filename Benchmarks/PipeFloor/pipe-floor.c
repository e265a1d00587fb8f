/* pipe-floor: the least a host <-> plugin round trip can cost on this machine. Two processes
 * bounce one byte over two pipes with blocking reads, as the host and a plugin do with their
 * request and response lines, and the round trips per second are printed. Not a Swift target:
 * it measures the kernel and the CPUs' wake-ups, nothing of Custos. Built and run by
 * scripts/bench-plugin when a C compiler is present.
 *   pipe-floor [round trips, default 50000] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 50000;
    int request[2], response[2];
    char byte = 'x';
    if (count <= 0 || pipe(request) != 0 || pipe(response) != 0) return 1;
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        for (int i = 0; i < count; i++) {
            if (read(request[0], &byte, 1) != 1 || write(response[1], &byte, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    double start = now();
    for (int i = 0; i < count; i++) {
        if (write(request[1], &byte, 1) != 1 || read(response[0], &byte, 1) != 1) return 1;
    }
    double elapsed = now() - start;
    printf("pipe floor: %.0f round trips/s, %.1f us each\n", count / elapsed, elapsed / count * 1e6);
    return 0;
}
