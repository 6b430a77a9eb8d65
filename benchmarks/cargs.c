/* The benchmark's reference: `add(a, b)` written in C on HPy's universal ABI, with its arguments
 * parsed by HPy's own HPyArg_ParseKeywords (positional or keyword), as a C extension author would. */
#include "hpy.h"

HPyDef_METH(add, "add", HPyFunc_KEYWORDS)
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = {"a", "b", NULL};
    long long a, b, sum;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "LL:add", kwlist, &a, &b))
        return HPy_NULL;
    if (__builtin_add_overflow(a, b, &sum)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "add() result does not fit in 64 bits");
        return HPy_NULL;
    }
    return HPyLong_FromInt64_t(ctx, sum);
}

static HPyDef *module_defines[] = {&add, NULL};

static HPyModuleDef moduledef = {
    .doc = "add(a, b) in C with HPyArg_ParseKeywords, for benchmarks",
    .defines = module_defines,
};

HPy_MODINIT(cargs, moduledef)
