# Built against the frozen ABI 1.0 header (tests/abi/hookstack_1_0.h), never today's hookstack.h.
hookstack_module(INCLUDE_DIRS ../../abi)
