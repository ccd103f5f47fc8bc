/* workload.c - the keys and key sequences of the workload (workload.h). */
#include "workload.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* splitmix64: the fixed-seed generator of the workload's keys. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

key_pools make_pools(unsigned key_bits, uint32_t size)
{
    key_pools p = {key_bits / 8, size, NULL, NULL, NULL};
    uint64_t mask = key_bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << key_bits) - 1;
    size_t total = 4 * (size_t)size;
    /* A scratch open-addressing set rejects repeats (only 32-bit draws can
     * repeat in practice, but the check costs little). */
    size_t slots = 16;
    while (slots < 2 * total)
        slots <<= 1;
    uint64_t *seen = xcalloc(slots, sizeof *seen); /* 0 = empty, never a key */
    uint64_t *all = xcalloc(total, sizeof *all);
    uint64_t state = 0x6f686d2d62656e63u; /* "ohm-benc" */
    for (size_t i = 0; i < total;) {
        uint64_t k = splitmix64(&state) & mask;
        if (k == 0 || k == mask || k == mask - 1)
            continue;
        size_t h = (size_t)((k * 0x9e3779b97f4a7c15u) >> 20) & (slots - 1);
        while (seen[h] != 0 && seen[h] != k)
            h = (h + 1) & (slots - 1);
        if (seen[h] == k)
            continue;
        seen[h] = k;
        all[i++] = k;
    }
    free(seen);
    p.present = all;
    p.absent = all + size;
    p.fresh = all + 2 * (size_t)size;
    return p;
}

static void store_key(void *arr, size_t i, uint64_t k, size_t ksize)
{
    if (ksize == 4)
        ((uint32_t *)arr)[i] = (uint32_t)k;
    else
        ((uint64_t *)arr)[i] = k;
}

static void shuffle(uint64_t *v, uint32_t n, uint64_t *rng)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)(splitmix64(rng) % i);
        uint64_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static uint64_t value_of(uint64_t k, size_t ksize)
{
    return ksize == 4 ? (uint64_t)(uint32_t)~(uint32_t)k : ~k;
}

cell_data make_cell_data(const key_pools *p, uint32_t capacity, double load, uint32_t n)
{
    cell_data d;
    memset(&d, 0, sizeof d);
    d.cell.capacity = capacity;
    d.cell.n = n;
    d.cell.load = load;
    d.ksize = p->ksize;
    size_t bytes = (size_t)n * p->ksize;
    d.ins = xcalloc(1, bytes);
    d.hit = xcalloc(1, bytes);
    d.miss = xcalloc(1, bytes);
    d.del = xcalloc(2, bytes);
    d.add = xcalloc(2, bytes);
    d.hit2 = xcalloc(1, bytes);
    d.miss2 = xcalloc(1, bytes);
    d.erase = xcalloc(1, bytes);

    uint64_t rng = 0x636875726e000000u ^ ((uint64_t)capacity << 8) ^ (uint64_t)(load * 1000);
    uint64_t *tmp = xcalloc(n, sizeof *tmp);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = p->present[i];
        store_key(d.ins, i, k, p->ksize);
        store_key(d.miss, i, p->absent[i], p->ksize);
        d.hit_sum += value_of(k, p->ksize);
        d.iter_sum += k + value_of(k, p->ksize);
        tmp[i] = k;
    }
    d.probe_value = value_of(p->present[0], p->ksize);
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++)
        store_key(d.hit, i, tmp[i], p->ksize);

    /* Churn: `tmp` mirrors the map; each step removes a random live key
     * and puts a fresh one in its place, so the load stays at n.  Two
     * turnovers: the first n steps are the timed `churn`, the next n bring
     * the map to the state the after-churn lookups measure. */
    for (uint32_t i = 0; i < n; i++)
        tmp[i] = p->present[i];
    for (uint32_t i = 0; i < 2 * n; i++) {
        uint32_t j = (uint32_t)(splitmix64(&rng) % n);
        store_key(d.del, i, tmp[j], p->ksize);
        store_key(d.add, i, p->fresh[i], p->ksize);
        tmp[j] = p->fresh[i];
    }
    /* The lookups after churn visit the live keys in an order unrelated
     * to the order they went in. */
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++) {
        store_key(d.hit2, i, tmp[i], p->ksize);
        d.hit2_sum += value_of(tmp[i], p->ksize);
    }
    shuffle(tmp, n, &rng);
    /* Erase order: the keys remove-if picks, then the rest, each part in
     * this random order.  bench_picked() is a hash bit unrelated to the
     * order, so this is still a uniformly random order of all n keys, and
     * its first part is exactly the work remove-if does in one call. */
    for (uint32_t i = 0; i < n; i++)
        if (bench_picked(tmp[i]))
            store_key(d.erase, d.picked++, tmp[i], p->ksize);
    for (uint32_t i = 0, j = d.picked; i < n; i++)
        if (!bench_picked(tmp[i])) {
            store_key(d.erase, j++, tmp[i], p->ksize);
            d.kept_iter_sum += tmp[i] + value_of(tmp[i], p->ksize);
        }
    for (uint32_t i = 0; i < n; i++)
        tmp[i] = p->absent[i];
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++)
        store_key(d.miss2, i, tmp[i], p->ksize);
    free(tmp);
    return d;
}

void free_cell_data(cell_data *d)
{
    free(d->ins);
    free(d->hit);
    free(d->miss);
    free(d->del);
    free(d->add);
    free(d->hit2);
    free(d->miss2);
    free(d->erase);
}
