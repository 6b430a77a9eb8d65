/* A minimal HPy module in C for pinning a runtime defect (tests/python/test_runtime_defects.py):
 * sum_outside(n) computes sum(range(n)) outside Python execution, as `Context::allow_threads`
 * does. Several threads calling it at once abort PyPy 7.3.19's debug mode ("Wrong HPy
 * Context!"); CPython's debug mode and both universal modes run it. */
#include "hpy.h"

HPyDef_METH(sum_outside, "sum_outside", HPyFunc_O)
static HPy sum_outside_impl(HPyContext *ctx, HPy self, HPy arg)
{
    long n = HPyLong_AsLong(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPyThreadState state = HPy_LeavePythonExecution(ctx);
    volatile unsigned long total = 0;
    for (long i = 0; i < n; i++)
        total += i;
    HPy_ReenterPythonExecution(ctx, state);
    return HPyLong_FromUnsignedLong(ctx, total);
}

static HPyDef *defines[] = { &sum_outside, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(threads_outside_python, moduledef)
