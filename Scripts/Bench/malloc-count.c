// Counts heap allocations of a whole process, for Scripts/bench.sh's "allocations per commit".
//
// Built by bench.sh into a shared object and loaded with LD_PRELOAD. It forwards malloc, calloc, realloc,
// posix_memalign, aligned_alloc and memalign to the C library (RTLD_NEXT) and counts each call that returns
// memory. At exit it writes `allocations=N` to the file named by BREAKWATER_MALLOC_COUNT_OUT.
// Calls made while dlsym itself allocates are served from a small static arena and not counted.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong allocations;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

static _Alignas(16) char bootstrap_arena[8192];
static size_t bootstrap_used;
static int resolving;

static void *bootstrap_alloc(size_t size) {
    size_t rounded = (size + 15) & ~(size_t)15;
    if (bootstrap_used + rounded > sizeof bootstrap_arena) return NULL;
    void *p = bootstrap_arena + bootstrap_used;
    bootstrap_used += rounded;
    return p;
}

static int from_bootstrap(void *p) {
    return (char *)p >= bootstrap_arena && (char *)p < bootstrap_arena + sizeof bootstrap_arena;
}

static void resolve(void) {
    if (real_malloc || resolving) return;
    resolving = 1;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    resolving = 0;
}

static void count(const void *p) {
    if (p) atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
}

void *malloc(size_t size) {
    resolve();
    if (!real_malloc) return bootstrap_alloc(size);
    void *p = real_malloc(size);
    count(p);
    return p;
}

void *calloc(size_t n, size_t size) {
    resolve();
    if (!real_calloc) {
        if (size && n > (size_t)-1 / size) return NULL;
        void *p = bootstrap_alloc(n * size);
        if (p) memset(p, 0, n * size);
        return p;
    }
    void *p = real_calloc(n, size);
    count(p);
    return p;
}

void *realloc(void *old, size_t size) {
    resolve();
    if (from_bootstrap(old)) {
        void *p = malloc(size);
        size_t available = (size_t)(bootstrap_arena + sizeof bootstrap_arena - (char *)old);
        if (p && old) memcpy(p, old, size < available ? size : available);
        return p;
    }
    void *p = real_realloc(old, size);
    if (!old) count(p);
    return p;
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    resolve();
    int rc = real_posix_memalign(out, alignment, size);
    if (rc == 0) count(*out);
    return rc;
}

void *aligned_alloc(size_t alignment, size_t size) {
    resolve();
    void *p = real_aligned_alloc(alignment, size);
    count(p);
    return p;
}

void *memalign(size_t alignment, size_t size) {
    resolve();
    void *p = real_memalign(alignment, size);
    count(p);
    return p;
}

void free(void *p) {
    static void (*real_free)(void *);
    if (from_bootstrap(p) || !p) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("BREAKWATER_MALLOC_COUNT_OUT");
    if (!path) return;
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "allocations=%lu\n", (unsigned long)atomic_load(&allocations));
    fclose(f);
}
