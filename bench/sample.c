/* sample.c - one sample: the timed steps and their checks (sample.h). */
#define _GNU_SOURCE /* clock_gettime */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "timing.h"
#include "util.h"

const char *const OP_NAMES[OP_ALL] = {
    "insert", "hit",     "get-many", "miss",  "churn",  "hit-after-churn", "miss-after-churn",
    "erase",  "remove-if", "iterate", "clone", "memory",
};

static volatile uint64_t sink; /* results land here so no loop is dead code */

static void fail(const sample_ctx *c, const char *what, uint64_t got, uint64_t want)
{
    fprintf(stderr, "\nbench: FAIL %s u%u C=%u a=%.3f: %s (got %llu, want %llu)\n", c->ops->name,
            c->ops->key_bits, c->d->cell.capacity, c->d->cell.load, what, (unsigned long long)got,
            (unsigned long long)want);
    c->res->failed = 1;
}

static void check_count(const sample_ctx *c, void *const *maps, uint32_t want, const char *when)
{
    if (c->ops->count == NULL)
        return;
    for (unsigned b = 0; b < c->batch; b++) {
        uint32_t got = c->ops->count(maps[b]);
        if (got != want) {
            fail(c, when, got, want);
            return;
        }
    }
}

void run_sample(const sample_ctx *c)
{
    const bench_map_ops *ops = c->ops;
    const cell_data *d = c->d;
    const unsigned B = c->batch;
    const uint32_t n = d->cell.n;
    const double per = (double)B * n; /* operations in one timed region */
    map_result *res = c->res;
    void **maps = xcalloc(B, sizeof *maps);
    void **copies = xcalloc(B, sizeof *copies);
    uint64_t t0, acc;

    size_t heap0 = heap_in_use();
    for (unsigned b = 0; b < B; b++) {
        maps[b] = ops->create(&d->cell);
        if (maps[b] == NULL) {
            fail(c, "create returned NULL", 0, 1);
            goto done;
        }
    }

    if (ops->insert) {
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->insert(maps[b], d->ins, n);
        res->ns[OP_INSERT][c->rep] = (double)(now_ns() - t0) / per;
        if (c->rep == 0) {
            size_t block = ops->block_bytes ? ops->block_bytes(maps[0]) : 0;
            res->bytes_per_entry = block ? (double)block / n : (double)(heap_in_use() - heap0) / B / n;
        }
        check_count(c, maps, n, "count after insert");
        res->load_insert = ops->load_factor ? ops->load_factor(maps[0]) : NAN;
    }

    if (ops->insert && ops->lookup) {
        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->lookup(maps[b], d->hit, n);
        res->ns[OP_HIT][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != d->hit_sum * B)
            fail(c, "hit: sum of values found", acc, d->hit_sum * B);

        /* get-many and what it is compared with: more passes over hit's
         * keys in hit's order, after hit, so that none of them is the
         * first pass after insert.  Every map looks the keys up one at a
         * time again (`hit_again`); ohm also looks them up with its batched
         * call, BENCH_MANY_KEYS keys a call, before or after that pass in
         * alternate repetitions. */
        for (int pass = 0; pass < (ops->lookup_many ? 2 : 1); pass++) {
            int many = ops->lookup_many && (pass == 0) == (c->rep % 2 == 1);
            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += many ? ops->lookup_many(maps[b], d->hit, n) : ops->lookup(maps[b], d->hit, n);
            double t = (double)(now_ns() - t0) / per;
            sink += acc;
            if (many)
                res->ns[OP_GET_MANY][c->rep] = t;
            else
                res->hit_again[c->rep] = t;
            if (acc != d->hit_sum * B)
                fail(c, many ? "get-many: sum of values found" : "hit, again: sum of values found", acc,
                     d->hit_sum * B);
        }
        if (!ops->lookup_many)
            res->ns[OP_GET_MANY][c->rep] = res->hit_again[c->rep];

        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->lookup(maps[b], d->miss, n);
        res->ns[OP_MISS][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != 0)
            fail(c, "miss: sum of values found for absent keys", acc, 0);
    }

    if (ops->insert && ops->iterate) {
        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->iterate(maps[b]);
        res->ns[OP_ITERATE][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != d->iter_sum * B)
            fail(c, "iterate: sum of keys and values", acc, d->iter_sum * B);
    }

    if (ops->clone) {
        uint64_t found = 0, v;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++) {
            copies[b] = ops->clone(maps[b], d->ins, &v);
            found += v;
        }
        /* Per entry of the map copied, so the figure is comparable across
         * sizes; README.md says so. */
        res->ns[OP_CLONE][c->rep] = (double)(now_ns() - t0) / per;
        sink += found;
        if (ops->insert && found != d->probe_value * B)
            fail(c, "clone: lookup in the copy", found, d->probe_value * B);
        if (ops->insert && ops->lookup && ops->count && copies[0] &&
            ops->lookup(copies[0], d->hit, n) != d->hit_sum)
            fail(c, "clone: the copy does not hold every entry", 0, 1);
        for (unsigned b = 0; b < B; b++)
            if (copies[b]) {
                ops->destroy(copies[b]);
                copies[b] = NULL;
            }
    }

    if (ops->insert && ops->churn) {
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->churn(maps[b], d->del, d->add, n);
        res->ns[OP_CHURN][c->rep] = (double)(now_ns() - t0) / per;
        check_count(c, maps, n, "count after churn");

        /* The second turnover, not timed: the lookups below see a map
         * that has been through 2n remove + put steps. */
        const char *del2 = (const char *)d->del + (size_t)n * d->ksize;
        const char *add2 = (const char *)d->add + (size_t)n * d->ksize;
        for (unsigned b = 0; b < B; b++)
            ops->churn(maps[b], del2, add2, n);
        check_count(c, maps, n, "count after the second churn turnover");
        res->load_churn = ops->load_factor ? ops->load_factor(maps[0]) : NAN;

        if (ops->lookup) {
            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += ops->lookup(maps[b], d->hit2, n);
            res->ns[OP_HIT_AFTER_CHURN][c->rep] = (double)(now_ns() - t0) / per;
            sink += acc;
            if (acc != d->hit2_sum * B)
                fail(c, "hit-after-churn: sum of values found", acc, d->hit2_sum * B);

            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += ops->lookup(maps[b], d->miss2, n);
            res->ns[OP_MISS_AFTER_CHURN][c->rep] = (double)(now_ns() - t0) / per;
            sink += acc;
            if (acc != 0)
                fail(c, "miss-after-churn: sum of values found for absent keys", acc, 0);
        }
    }

    if (ops->insert && ops->erase) {
        /* A copy of each map as erase finds it, made for every map so that
         * every erase starts from the same step (a clone); ohm's remove-if
         * runs on it below. */
        int copied = ops->clone != NULL;
        for (unsigned b = 0; b < B && copied; b++) {
            uint64_t v;
            copies[b] = ops->clone(maps[b], d->ins, &v);
            copied = copies[b] != NULL;
        }
        /* Erase in two timed parts: the keys remove-if removes, then the
         * rest.  The erase row is both parts per key; the first part alone
         * is the one-key-at-a-time cost remove-if is compared with. */
        const uint32_t h = d->picked;
        const char *rest = (const char *)d->erase + (size_t)h * d->ksize;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->erase(maps[b], d->erase, h);
        uint64_t t1 = now_ns();
        check_count(c, maps, n - h, "count after erasing remove-if's keys");
        uint64_t t2 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->erase(maps[b], rest, n - h);
        uint64_t t3 = now_ns();
        res->ns[OP_ERASE][c->rep] = (double)((t1 - t0) + (t3 - t2)) / per;
        res->erase_picked[c->rep] = h ? (double)(t1 - t0) / ((double)B * h) : NAN;
        check_count(c, maps, 0, "count after erase");

        /* remove-if: one call per map removes the same keys from the copy;
         * ns per entry removed. */
        if (ops->remove_picked && copied) {
            uint64_t removed = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                removed += ops->remove_picked(copies[b]);
            res->ns[OP_REMOVE_IF][c->rep] = h ? (double)(now_ns() - t0) / ((double)B * h) : NAN;
            if (removed != (uint64_t)h * B)
                fail(c, "remove-if: entries removed", removed, (uint64_t)h * B);
            check_count(c, copies, n - h, "count after remove-if");
            if (ops->iterate) {
                acc = 0;
                for (unsigned b = 0; b < B; b++)
                    acc += ops->iterate(copies[b]);
                if (acc != d->kept_iter_sum * B)
                    fail(c, "remove-if: sum of the keys and values left", acc, d->kept_iter_sum * B);
            }
        } else {
            res->ns[OP_REMOVE_IF][c->rep] = res->erase_picked[c->rep];
        }
        for (unsigned b = 0; b < B; b++)
            if (copies[b]) {
                ops->destroy(copies[b]);
                copies[b] = NULL;
            }
    }

done:
    for (unsigned b = 0; b < B; b++)
        if (maps[b])
            ops->destroy(maps[b]);
    free(maps);
    free(copies);
}
