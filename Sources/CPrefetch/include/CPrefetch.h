// Prefetching for the training hot loops: Swift has no prefetch instruction of its own.
#ifndef APUS_CPREFETCH_H
#define APUS_CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` into all cache levels, without
/// waiting for it. Never faults, whatever the address.
static inline void apus_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
