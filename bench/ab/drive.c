/* drive.c - times two versions of ohm side by side in one process
 * (bench/ab/run.sh builds it; bench/README.md, "Comparing two versions").
 *
 *   drive C LOAD REPS
 *
 * In each repetition versions a and b (a first in even repetitions, b
 * first in odd ones) run the same sequence, each on its own block of C
 * slots: insert n = LOAD * C keys, hit them in another order, miss n
 * absent keys, churn n / 2 remove + put pairs, hit again, erase every key. Prints each operation's best time per key for a and b,
 * and b / a (below 1: b is faster). Both versions see the same machine
 * state, within milliseconds of each other, which runs minutes apart on a
 * shared machine do not.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AB_SIDE(S)                                                                           \
    void *S##_make(uint32_t);                                                                \
    void S##_clear(void *);                                                                  \
    void S##_insert(void *, const uint64_t *, uint32_t);                                     \
    uint64_t S##_hit(void *, const uint64_t *, const uint32_t *, uint32_t);                  \
    uint64_t S##_miss(void *, const uint64_t *, uint32_t);                                   \
    void S##_churn(void *, uint64_t *, const uint32_t *, const uint64_t *, uint32_t);       \
    void S##_erase(void *, const uint64_t *, const uint32_t *, uint32_t);
AB_SIDE(a)
AB_SIDE(b)

typedef struct {
    void *(*make)(uint32_t);
    void (*clear)(void *);
    void (*insert)(void *, const uint64_t *, uint32_t);
    uint64_t (*hit)(void *, const uint64_t *, const uint32_t *, uint32_t);
    uint64_t (*miss)(void *, const uint64_t *, uint32_t);
    void (*churn)(void *, uint64_t *, const uint32_t *, const uint64_t *, uint32_t);
    void (*erase)(void *, const uint64_t *, const uint32_t *, uint32_t);
} version;
static const version versions[2] = {
    {a_make, a_clear, a_insert, a_hit, a_miss, a_churn, a_erase},
    {b_make, b_clear, b_insert, b_hit, b_miss, b_churn, b_erase},
};

static volatile uint64_t sink_out;

enum { OPS = 6 };
static const char *const op_name[OPS] = {"insert", "hit", "miss", "churn", "hit-after-churn", "erase"};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}
static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "drive: out of memory\n");
        exit(2);
    }
    return p;
}
static void shuffle(uint32_t *v, uint32_t n, uint64_t *s)
{
    for (uint32_t i = 0; i < n; i++) v[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)(splitmix(s) % i), t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: drive CAPACITY LOAD REPS\n");
        return 2;
    }
    uint32_t cap = (uint32_t)strtoul(argv[1], NULL, 10);
    double load = strtod(argv[2], NULL);
    int reps = atoi(argv[3]);
    uint32_t n = (uint32_t)(load * cap), nc = n / 2;
    if (cap < 16 || (cap & (cap - 1)) || n == 0 || load > 1 || reps < 1) {
        fprintf(stderr, "drive: CAPACITY a power of two >= 16, 0 < LOAD <= 1, REPS >= 1\n");
        return 2;
    }
    /* Distinct keys: splitmix64 of distinct counters never collide. */
    uint64_t s = 1, *keys = xmalloc(sizeof *keys * n), *absent = xmalloc(sizeof *absent * n);
    uint64_t *fresh = xmalloc(sizeof *fresh * nc), *work = xmalloc(sizeof *work * n);
    uint32_t *order = xmalloc(sizeof *order * n), *order2 = xmalloc(sizeof *order2 * n);
    uint32_t *pick = xmalloc(sizeof *pick * nc);
    for (uint32_t i = 0; i < n; i++) keys[i] = splitmix(&s);
    for (uint32_t i = 0; i < n; i++) absent[i] = splitmix(&s);
    for (uint32_t i = 0; i < nc; i++) fresh[i] = splitmix(&s);
    shuffle(order, n, &s);
    shuffle(order2, n, &s);
    /* n / 2 distinct positions leave, one each */
    for (uint32_t i = 0; i < nc; i++) pick[i] = order2[i];
    shuffle(order2, n, &s);

    void *map[2];
    for (int v = 0; v < 2; v++)
        if (!(map[v] = versions[v].make(cap))) {
            fprintf(stderr, "drive: no block for capacity %u\n", cap);
            return 2;
        }
    double best[2][OPS];
    for (int v = 0; v < 2; v++)
        for (int o = 0; o < OPS; o++) best[v][o] = 1e300;
    uint64_t sink = 0;
    for (int r = 0; r < reps; r++)
        for (int turn = 0; turn < 2; turn++) {
            int v = turn ^ (r & 1); /* a first, then b first: neither always runs on the other's warm caches */
            const version *x = &versions[v];
            double t[OPS + 1];
            memcpy(work, keys, sizeof *work * n);
            x->clear(map[v]);
            t[0] = now_ns();
            x->insert(map[v], work, n);
            t[1] = now_ns();
            sink += x->hit(map[v], work, order, n);
            t[2] = now_ns();
            sink += x->miss(map[v], absent, n);
            t[3] = now_ns();
            x->churn(map[v], work, pick, fresh, nc);
            t[4] = now_ns();
            sink += x->hit(map[v], work, order2, n);
            t[5] = now_ns();
            x->erase(map[v], work, order, n);
            t[6] = now_ns();
            for (int o = 0; o < OPS; o++) {
                double per = (t[o + 1] - t[o]) / (o == 3 ? nc : n);
                if (per < best[v][o]) best[v][o] = per;
            }
        }
    printf("C %7u a %.3f", cap, load);
    for (int o = 0; o < OPS; o++)
        printf(" | %s %.2f %.2f %.2f", op_name[o], best[0][o], best[1][o], best[1][o] / best[0][o]);
    printf("\n");
    sink_out = sink; /* the lookups' results are used: no loop can be dropped */
    return 0;
}
