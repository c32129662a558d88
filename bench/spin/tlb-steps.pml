/*
 * tlb-steps.pml -- a SPIN model of iommu-check's own steps on the scenarios bench/spin/tlb-pN-tM.json, so that
 * `npm run bench:spin` compares two checkers on one state graph: `pan` built with -DNOREDUCE stores exactly
 * explore --no-reduction's states + 1 (its pre-init state), at every size. It replaces tlb-matched.pml, which
 * followed the explorer's coarser steps from before "Locks that matter" (one shared access per thread step).
 *
 * Each Promela transition is one explorer step: a d_step whose guard is the step's enabling condition and whose
 * body is the step's one shared access followed by the thread-local instructions the explorer runs with it
 * (src/model/api/assemble.ts). Run with `spin -o1 -o3 -a` (no dead-variable elimination, no statement merging),
 * so that SPIN neither resets locals after their last use nor merges steps.
 *
 * What maps to what (explorer slot -> Promela):
 *   pte[0][p]                      -> pt[p]            phys + 1, 0 = not mapped
 *   iotlb[i][0][p]                 -> tlb[i*P + p]     phys + 1 cached by instance i, 0 = no entry
 *   cmdq.slot[i][k]                -> slot[i*Q + k]    same encoding: TLBI_VA(page p) = 1 + 32 p, CMD_SYNC = 3
 *   cmdq.prod[i], cmdq.cons[i]     -> prod[i], cons[i] commands ever queued / ever consumed
 *   cmdq.lock[i]                   -> cqlock[i]        holder thread + 1
 *   device.domain[v]               -> ste[v]           domain + 1 (attached in the set-up, never written after)
 *   ghost.window/promised/watch[0][p] -> window[p], promised[p], watch[p]   (pgtable/state.ts)
 *   ghost.watched[t][0]            -> watched[t]
 *   op[t], step[t]                 -> thread t's process counter (the device and instance loops unrolled: an
 *                                     (op, step) in the loop is one location per iteration, as dev and
 *                                     instances tell the iterations apart in the explorer's state)
 *   local[t][0..4], ret[t], preempt[t], gather[t][0] -> the thread's loc[0..4], ret, preempt, gather
 *       unmap: loc = {page, unmapped, pte}; map: loc = {pte}; iotlb_sync: loc = {pages, instances, prod, dev, val}
 *       (the explorer zeroes a thread's locals when an operation returns; so does the model)
 *   walker[i], cmdq-consumer[i]    -> processes Walker(i), Consumer(i): each enabled choice one step
 * Left out: the explorer's fields that no step of these scenarios changes (domain state, refs and lock, group
 * mutexes, the DMA ghosts: no thread calls dma; the IOVA allocator's and the vIOMMU's fields, the
 * sleep-in-atomic ghosts, the unused local[t][5]) and the data-race check's bookkeeping (ghost.race,
 * ghost.poised.*), a function of each thread's next step, which adds no state. Transitions: pan counts the
 * explorer's + 2.
 *
 * Threads (as in the scenario files): T1 unmap_sync(page 0); T2 map(page 1 -> phys 1) then unmap_sync(page 1);
 * with NTHR=3, T3 unmap_sync(page P-1). The set-up maps every page but page 1 (page p -> phys p).
 * Invariant no-stale-tlb-after-sync (src/invariants/tlb.ts): no page promised clean (its sync returned) and
 * still unmapped has an IOTLB entry. Only the step that ends a sync sets `promised`, so it is asserted there
 * (walkers fill only from valid PTEs; unmap clears `promised`; map makes the PTE valid).
 * Knobs: -DP=<3..8> -DNTHR=<2|3>; the faulty variant sync-one-instance: -DBUG_ONE_INSTANCE (pan then finds
 * the assertion violation explore reports as no-stale-tlb-after-sync).
 */
#ifndef P
#define P 3
#endif
#ifndef NTHR
#define NTHR 2
#endif
#define NI 2                     /* instances: device v is on instance v, both attached to domain 0 */
/* the explorer sizes a queue to max(cmdqDepth = 4, pages + 1, 3) slots (src/model/cmdq/state.ts) */
#if P >= 4
#define Q (P + 1)
#else
#define Q 4
#endif
#define CMD_TLBI_VA 1
#define CMD_SYNC    3
#define EEXIST     -17
/* the number of pages in a gather (a mask of at most 8 pages) */
#define PAGES(m) ((m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1) + ((m >> 4) & 1) + ((m >> 5) & 1) + ((m >> 6) & 1) + ((m >> 7) & 1))

byte pt[P];
byte tlb[NI * P];
byte slot[NI * Q];
byte prod[NI];
byte cons[NI];
byte cqlock[NI];
byte ste[NI];
byte window[P];
bit  promised[P];
byte watch[P];
byte watched[NTHR];
hidden byte h, hc;               /* scratch of one d_step (not part of the state) */

/* cmdq-consumer[i]: execute the command at cons (TLBI_VA drops its IOTLB entry), clear the slot, advance cons */
proctype Consumer(byte i) {
end:
  do
  :: d_step {
       prod[i] >= cons[i] + 1 ->
       hc = slot[i * Q + cons[i] % Q];
       if
       :: (hc & 3) == CMD_TLBI_VA -> tlb[i * P + (hc >> 5)] = 0
       :: else
       fi;
       slot[i * Q + cons[i] % Q] = 0;
       cons[i]++;
       hc = 0
     }
  od
}

/* walker[i]: prefetch any valid PTE into an empty IOTLB entry of instance i */
#define FILL(pg) :: d_step { tlb[i * P + pg] == 0 && pt[pg] != 0 -> tlb[i * P + pg] = pt[pg] }
proctype Walker(byte i) {
end:
  do
  FILL(0)
  FILL(1)
  FILL(2)
#if P >= 4
  FILL(3)
#endif
#if P >= 5
  FILL(4)
#endif
#if P >= 6
  FILL(5)
#endif
#if P >= 7
  FILL(6)
#endif
#if P >= 8
  FILL(7)
#endif
  od
}

/* the explorer's end of an operation: its locals zeroed, its return value kept */
#define RETURN(v) ret = v; loc[0] = 0; loc[1] = 0; loc[2] = 0; loc[3] = 0; loc[4] = 0

/* map(domain 0, page pg, phys x): read pte; -EEXIST if valid, else install pte */
inline map(pg, x) {
  if
  :: d_step { pt[pg] == 0 -> loc[0] = 0 }                                 /* read pte */
     d_step { pt[pg] = x + 1; promised[pg] = 0; watch[pg] = 0; RETURN(0) } /* install pte; return */
  :: d_step { pt[pg] != 0 -> loc[0] = pt[pg]; RETURN(EEXIST) }            /* read pte: valid, -EEXIST */
  fi
}

/* unmap(domain 0, page pg, 1 page): read pte; if valid clear it (window opens), range_add it to the gather */
inline unmap(t, pg) {
  loc[0] < 1;                                                             /* if (page >= pages) goto end */
  if
  :: d_step { pt[pg] != 0 -> loc[2] = pt[pg] }                            /* read pte */
     d_step {                                                             /* clear pte; count; range_add; return */
       pt[pg] = 0; window[pg] = loc[2]; promised[pg] = 0;
       loc[1]++;
       watch[pg] = watch[pg] | (1 << t); watched[t] = watched[t] | (1 << pg); gather = gather | (1 << pg);
       loc[0]++;
       RETURN(loc[1])
     }
  :: d_step { pt[pg] == 0 -> loc[2] = 0; RETURN(0) }                      /* read pte: not mapped, return 0 */
  fi
}

/* the sync is done: each page this thread watched and still watches is promised clean if still unmapped */
#define SYNC_DONE(t) \
  h = watched[t]; watched[t] = 0; hc = 0; \
  do \
  :: hc < P -> \
     if \
     :: (h & (1 << hc)) && (watch[hc] & (1 << t)) -> \
        watch[hc] = watch[hc] & ~(1 << t); \
        if \
        :: pt[hc] == 0 -> window[hc] = 0; promised[hc] = 1 \
        :: else \
        fi \
     :: else \
     fi; \
     hc++ \
  :: else -> break \
  od; \
  hc = 0; \
  do \
  :: hc < P -> assert(!(promised[hc] && pt[hc] == 0 && (tlb[hc] != 0 || tlb[P + hc] != 0))); hc++ \
  :: else -> break \
  od; \
  h = 0; hc = 0

/* one instance's flush: lock the queue, read prod, wait for room, queue the gather's TLBIs + CMD_SYNC, unlock,
 * wait for the CMD_SYNC; the wait drops n from the instances and, for the last one, ends the sync */
inline flush_on(t, n, last) {
  d_step { cqlock[n] == 0 -> cqlock[n] = t + 1; preempt++ }               /* spin_lock(cmdq->lock) */
  d_step { loc[2] = prod[n] }                                              /* read cmdq prod */
  cons[n] >= loc[2] + PAGES(loc[0]) + 1 - Q;                               /* wait for room (read CONS) */
  d_step {                                                                 /* queue TLBIs of the gather + CMD_SYNC */
    hc = 0;
    do
    :: hc < P ->
       if
       :: loc[0] & (1 << hc) -> slot[n * Q + loc[2] % Q] = CMD_TLBI_VA + (hc << 5); loc[2]++
       :: else
       fi;
       hc++
    :: else -> break
    od;
    slot[n * Q + loc[2] % Q] = CMD_SYNC; loc[2]++;
    prod[n] = loc[2];
    hc = 0
  }
  d_step { cqlock[n] = 0; preempt-- }                                      /* spin_unlock(cmdq->lock) */
  d_step {                                                                 /* wait for CMD_SYNC (poll CONS) */
    cons[n] >= loc[2] ->
    loc[1] = loc[1] & ~(1 << n);
    if
    :: last -> SYNC_DONE(t); RETURN(0)
    :: else
    fi
  }
}

/* iotlb_sync(domain 0): take the gather, read both devices' STEs, flush each serving instance in order */
inline iotlb_sync(t) {
  d_step { loc[0] = gather; gather = 0; loc[1] = 0; loc[3] = 0 }           /* take gather; start device scan */
  d_step { loc[4] = ste[0]; if :: loc[4] == 1 -> loc[1] = loc[1] | 1 :: else fi; loc[3] = 1 }  /* read STE of device 0 */
  d_step {                                                                 /* read STE of device 1; choose instances */
    loc[4] = ste[1]; if :: loc[4] == 1 -> loc[1] = loc[1] | 2 :: else fi; loc[3] = 2;
#ifdef BUG_ONE_INSTANCE
    loc[1] = loc[1] & 1                                                    /* sync-one-instance: the owner's only */
#else
    skip
#endif
  }
#ifdef BUG_ONE_INSTANCE
  flush_on(t, 0, 1)
#else
  flush_on(t, 0, 0);
  flush_on(t, 1, 1)
#endif
}

#define THREAD_LOCALS byte loc[5]; short ret; byte preempt; byte gather

proctype T1() {
  THREAD_LOCALS;
  unmap(0, 0); iotlb_sync(0);
end: false
}

proctype T2() {
  THREAD_LOCALS;
  map(1, 1); unmap(1, 1); iotlb_sync(1);
end: false
}

proctype T3() {
  THREAD_LOCALS;
  unmap(2, P - 1); iotlb_sync(2);
end: false
}

init {
  atomic {
    h = 0;
    do
    :: h < P -> pt[h] = h + 1; h++
    :: else -> break
    od;
    pt[1] = 0; h = 0;
    ste[0] = 1; ste[1] = 1;
    run Walker(0); run Walker(1); run Consumer(0); run Consumer(1);
    run T1(); run T2();
#if NTHR >= 3
    run T3()
#endif
  }
}
