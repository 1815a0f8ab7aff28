/* budget.c — the fair-share rule of the front's request-body memory (see budget.h). */
#include "budget.h"

size_t budget_share(const struct budget *b)
{
    size_t n = b->nreaders > 0 ? b->nreaders : 1;
    size_t share = b->limit / 2 / n;
    return share > BUDGET_MIN_SHARE ? share : BUDGET_MIN_SHARE;
}

bool budget_may_read(const struct budget *b, bool is_head, size_t held)
{
    if (b->limit == 0)
        return true;
    /* The head always progresses while the queue, which drains by itself as workers take its
     * jobs, leaves room; the readers' bytes do not stop it (they may be waiting on it). */
    if (is_head)
        return b->queued < b->limit;
    size_t share = budget_share(b);
    size_t excess = b->head_held > share ? b->head_held - share : 0;
    size_t total = b->reading + b->queued;
    size_t counted = total > excess ? total - excess : 0;
    if (counted < b->limit / 2)
        return true;
    return held < share && counted < b->limit;
}
