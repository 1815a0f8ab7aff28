/* budget.h — the rule that shares the front's request-body memory (--max-buffered-mb) between
 * the connections reading a body, as a pure function the front asks before each read.
 *
 * The front keeps one budget per class of sender: requests whose token was checked in their
 * headers get the whole cap, requests whose token can only be in their body (no Authorization
 * header) a quarter of it, so senders that have shown no token never take memory from those that
 * have. Within a class:
 *  - only bytes received count (a declared Content-Length reserves nothing), for bodies being
 *    read and for complete ones waiting in the pool's queue;
 *  - while less than half the budget is counted, every reader reads;
 *  - past that, a reader reads only while it holds less than its fair share, half the budget
 *    divided among the readers (at least BUDGET_MIN_SHARE), and the count is under the budget;
 *  - the oldest reader (the "head") reads whenever the queued bodies leave room, even past its
 *    share, so a body larger than any share still completes (no deadlock); what it holds past its
 *    share is not counted against the others, so a slow head cannot starve them.
 * Memory per class stays under the budget, plus the head's body past its share, plus at most one
 * read (64 KB) per connection. Header parsing is never subject to the budget. */
#ifndef HS_BUDGET_H
#define HS_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#define BUDGET_MIN_SHARE (16u * 1024u)

/* One class's state, as the front counts it. */
struct budget {
    size_t limit;     /* bytes; 0: no limit (every reader reads) */
    size_t reading;   /* bytes held by connections still reading their body */
    size_t queued;    /* bytes of complete bodies waiting for a worker */
    size_t nreaders;  /* connections reading a body */
    size_t head_held; /* bytes held by the oldest reader */
};

/* The fair share of one reader. */
size_t budget_share(const struct budget *b);

/* True when a reader holding held bytes (is_head: the oldest reader) may read more of its body
 * now; false: its reading pauses until this turns true. */
bool budget_may_read(const struct budget *b, bool is_head, size_t held);

#endif
