/*
 * Native model of the benchmark's "tight / allocator alone" loop (bench/core.ts), for scale:
 * RFC v1's mermap_alloc() and put (mm/mermap.c, facts sheet §2.1) for one CPU, R = 512 pages,
 * 4 shared slots, get 1 page then put it, N times. The checks are the JavaScript model's
 * (src/core/mermap/rfc-v1.ts), in the same order; get and put are not inlined, like the
 * calls the JavaScript loop makes. Prints pairs per second.
 *
 * Build: cc -O2 -o tight tight.c     Run: ./tight N
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define R 512UL
#define SLOTS 4
#define PTE_GLOBAL 2UL

struct mermap_alloc {
	unsigned long base, end;
	int in_use;
};

static struct {
	unsigned long base, next_addr, flushes;
	struct mermap_alloc allocs[SLOTS];
	int prepared;
} cpu0 = { .base = 0xffff880000000UL, .next_addr = 0xffff880000000UL, .prepared = 1 };

__attribute__((noinline)) static long get(unsigned long pages, int reserved, unsigned long prot, int in_task)
{
	unsigned long cpu_end = cpu0.base + R;
	if (pages > R) return -1;
	if (!cpu0.prepared) return -2;
	if (prot & PTE_GLOBAL) return -3;
	if (reserved) {
		if (pages != 1) return -4;
	} else {
		cpu_end -= 1;
	}
	if (!in_task) return -5;
	if (cpu0.next_addr + pages > cpu_end) {
		unsigned long new_next = cpu0.base;
		for (int i = 0; i < SLOTS; i++)
			if (cpu0.allocs[i].in_use && cpu0.allocs[i].end > new_next) new_next = cpu0.allocs[i].end;
		if (pages > cpu_end - new_next) return -6;
		cpu0.flushes++;
		cpu0.next_addr = new_next;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (!cpu0.allocs[i].in_use) {
			cpu0.allocs[i].in_use = reserved ? 2 : 1;
			cpu0.allocs[i].base = cpu0.next_addr;
			cpu0.allocs[i].end = cpu0.next_addr + pages;
			cpu0.next_addr += pages;
			return i;
		}
	}
	return -7;
}

__attribute__((noinline)) static long put(long h)
{
	if (!cpu0.allocs[h].in_use) return -8;
	cpu0.allocs[h].in_use = 0;
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000000L;
	struct timespec t0, t1;
	for (long i = 0; i < n / 10; i++) put(get(1, 0, 5, 1)); /* warm-up */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) put(get(1, 0, 5, 1));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f\n", n / s);
	return cpu0.flushes == 0; /* the loop must have wrapped */
}
