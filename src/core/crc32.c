/* crc32.c — zlib-compatible CRC-32 (reflected polynomial 0xEDB88320), table-driven.
 * emb_crc32(0, "123456789", 9) == 0xCBF43926; Python: zlib.crc32(data). */
#include "embody/emb_tensorfile.h"

#include <pthread.h>

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

uint32_t emb_crc32(uint32_t crc, const void *buf, size_t len) {
  pthread_once(&table_once, make_table);
  const unsigned char *p = buf;
  crc = ~crc;
  for (size_t i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
  return ~crc;
}
