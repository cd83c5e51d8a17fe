#ifndef BREAKWATER_CSECP256K1_SHIM_H
#define BREAKWATER_CSECP256K1_SHIM_H
#include <secp256k1.h>

/* libsecp256k1's built-in context for parsing, serializing and verifying, returned by a function so that Swift
   reads the library's constant without treating it as shared mutable state. */
static inline const secp256k1_context *breakwater_secp256k1_context_static(void) {
    return secp256k1_context_static;
}
#endif
