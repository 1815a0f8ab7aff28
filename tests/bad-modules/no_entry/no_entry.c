/* no_entry.c — a shared object without the hs_module_entry symbol. */
int no_entry_answer(void);

int no_entry_answer(void)
{
    return 42;
}
