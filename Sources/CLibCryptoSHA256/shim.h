#ifndef BREAKWATER_CLIBCRYPTOSHA256_SHIM_H
#define BREAKWATER_CLIBCRYPTOSHA256_SHIM_H
/* OpenSSL's low-level SHA-256 (SHA256_Init/Update/Final over a caller-owned SHA256_CTX): no heap allocation, and
   the block function picks SHA-NI or AVX2 at run time. OpenSSL 3 marks these deprecated in favour of EVP, whose
   one-shot SHA256() allocates a context per call; the deprecation is silenced here and nowhere else. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#endif
