/* natter-omemo-crypto.c: the crypto libsignal-protocol-c and OMEMO payloads need, on GnuTLS
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsignal-protocol-c brings no cryptography of its own: it asks its
 * context for randomness, HMAC-SHA256, SHA-512 and AES (CBC with PKCS#5
 * padding for the double ratchet, CTR for version 2 sessions).  This file
 * answers with GnuTLS.  GnuTLS 3.7 has no public AES-CTR, so CTR is built
 * here on a single-block AES obtained from CBC.  The AES-GCM of OMEMO
 * payloads lives here too.
 */
#include "config.h"

#include "natter-omemo-crypto.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "natter-omemo-error.h"

#define AES_BLOCK 16

/* Randomness */

static int
random_cb (uint8_t *data,
           size_t   length,
           void    *user_data)
{
  if (length == 0)
    return SG_SUCCESS;
  return gnutls_rnd (GNUTLS_RND_KEY, data, length) == 0 ? SG_SUCCESS : SG_ERR_UNKNOWN;
}

/**
 * natter_omemo_crypto_random:
 * @data: (out caller-allocates) (array length=length): the buffer to fill
 * @length: its size
 * @error: return location for a #GError
 *
 * Fills @data with random bytes fit for keys.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_crypto_random (guint8  *data,
                            gsize    length,
                            GError **error)
{
  if (random_cb (data, length, NULL) != SG_SUCCESS)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("The system could not provide random numbers"));
      return FALSE;
    }
  return TRUE;
}

/* HMAC-SHA256 */

static int
hmac_sha256_init_cb (void          **context,
                     const uint8_t  *key,
                     size_t          key_length,
                     void           *user_data)
{
  gnutls_hmac_hd_t handle = NULL;
  static const uint8_t empty[1] = { 0 };

  if (gnutls_hmac_init (&handle, GNUTLS_MAC_SHA256, key_length > 0 ? key : empty,
                        key_length) < 0)
    return SG_ERR_UNKNOWN;
  *context = handle;
  return SG_SUCCESS;
}

static int
hmac_sha256_update_cb (void          *context,
                       const uint8_t *data,
                       size_t         length,
                       void          *user_data)
{
  if (length == 0)
    return SG_SUCCESS;
  return gnutls_hmac (context, data, length) < 0 ? SG_ERR_UNKNOWN : SG_SUCCESS;
}

static int
hmac_sha256_final_cb (void           *context,
                      signal_buffer **output,
                      void           *user_data)
{
  guint8 digest[32];

  gnutls_hmac_output (context, digest);
  *output = signal_buffer_create (digest, sizeof digest);
  gnutls_memset (digest, 0, sizeof digest);
  return *output != NULL ? SG_SUCCESS : SG_ERR_NOMEM;
}

static void
hmac_sha256_cleanup_cb (void *context,
                        void *user_data)
{
  if (context != NULL)
    gnutls_hmac_deinit (context, NULL);
}

/* SHA-512 */

static int
sha512_init_cb (void **context,
                void  *user_data)
{
  gnutls_hash_hd_t handle = NULL;

  if (gnutls_hash_init (&handle, GNUTLS_DIG_SHA512) < 0)
    return SG_ERR_UNKNOWN;
  *context = handle;
  return SG_SUCCESS;
}

static int
sha512_update_cb (void          *context,
                  const uint8_t *data,
                  size_t         length,
                  void          *user_data)
{
  if (length == 0)
    return SG_SUCCESS;
  return gnutls_hash (context, data, length) < 0 ? SG_ERR_UNKNOWN : SG_SUCCESS;
}

/* gnutls_hash_output() resets the state, which is the reuse libsignal asks for. */
static int
sha512_final_cb (void           *context,
                 signal_buffer **output,
                 void           *user_data)
{
  guint8 digest[64];

  gnutls_hash_output (context, digest);
  *output = signal_buffer_create (digest, sizeof digest);
  return *output != NULL ? SG_SUCCESS : SG_ERR_NOMEM;
}

static void
sha512_cleanup_cb (void *context,
                   void *user_data)
{
  if (context != NULL)
    gnutls_hash_deinit (context, NULL);
}

/* AES-CBC and AES-CTR */

static gnutls_cipher_algorithm_t
cbc_algorithm (size_t key_length)
{
  switch (key_length)
    {
    case 16:
      return GNUTLS_CIPHER_AES_128_CBC;
    case 24:
      return GNUTLS_CIPHER_AES_192_CBC;
    case 32:
      return GNUTLS_CIPHER_AES_256_CBC;
    default:
      return GNUTLS_CIPHER_UNKNOWN;
    }
}

static gnutls_cipher_hd_t
cbc_open (const uint8_t *key,
          size_t         key_length,
          const uint8_t *iv)
{
  gnutls_cipher_algorithm_t algorithm = cbc_algorithm (key_length);
  gnutls_cipher_hd_t handle = NULL;
  gnutls_datum_t key_datum = { (unsigned char *) key, (unsigned int) key_length };
  gnutls_datum_t iv_datum = { (unsigned char *) iv, AES_BLOCK };

  if (algorithm == GNUTLS_CIPHER_UNKNOWN)
    return NULL;
  if (gnutls_cipher_init (&handle, algorithm, &key_datum, &iv_datum) < 0)
    return NULL;
  return handle;
}

static int
cbc_encrypt (signal_buffer **output,
             const uint8_t  *key,
             size_t          key_length,
             const uint8_t  *iv,
             const uint8_t  *plaintext,
             size_t          length)
{
  gnutls_cipher_hd_t handle = cbc_open (key, key_length, iv);
  size_t padding = AES_BLOCK - length % AES_BLOCK;
  signal_buffer *buffer;
  uint8_t *data;

  if (handle == NULL)
    return SG_ERR_INVAL;
  buffer = signal_buffer_alloc (length + padding);
  if (buffer == NULL)
    {
      gnutls_cipher_deinit (handle);
      return SG_ERR_NOMEM;
    }
  data = signal_buffer_data (buffer);
  if (length > 0)
    memcpy (data, plaintext, length);
  memset (data + length, (int) padding, padding);
  if (gnutls_cipher_encrypt (handle, data, length + padding) < 0)
    {
      gnutls_cipher_deinit (handle);
      signal_buffer_bzero_free (buffer);
      return SG_ERR_UNKNOWN;
    }
  gnutls_cipher_deinit (handle);
  *output = buffer;
  return SG_SUCCESS;
}

static int
cbc_decrypt (signal_buffer **output,
             const uint8_t  *key,
             size_t          key_length,
             const uint8_t  *iv,
             const uint8_t  *ciphertext,
             size_t          length)
{
  gnutls_cipher_hd_t handle;
  g_autofree uint8_t *data = NULL;
  unsigned int padding;
  unsigned int bad = 0;

  if (length == 0 || length % AES_BLOCK != 0)
    return SG_ERR_INVAL;
  handle = cbc_open (key, key_length, iv);
  if (handle == NULL)
    return SG_ERR_INVAL;

  data = g_malloc (length);
  if (gnutls_cipher_decrypt2 (handle, ciphertext, length, data, length) < 0)
    {
      gnutls_cipher_deinit (handle);
      return SG_ERR_UNKNOWN;
    }
  gnutls_cipher_deinit (handle);

  /* PKCS#5: 1 to 16 bytes, each holding the count.  Every byte of the
   * last block is looked at, whatever the count says. */
  padding = data[length - 1];
  bad |= (padding == 0) | (padding > AES_BLOCK);
  for (unsigned int i = 1; i <= AES_BLOCK; i++)
    {
      unsigned int in_padding = i <= padding;

      bad |= in_padding & (data[length - i] != padding);
    }
  if (bad)
    {
      gnutls_memset (data, 0, length);
      return SG_ERR_INVAL;
    }

  *output = signal_buffer_create (data, length - padding);
  gnutls_memset (data, 0, length);
  return *output != NULL ? SG_SUCCESS : SG_ERR_NOMEM;
}

/* CTR mode over a 128-bit big-endian counter, as OpenSSL's and
 * SP 800-38A's.  A CBC encryption with a zero IV turns its input block X
 * into E(X ⊕ C_prev); feeding it (counter ⊕ C_prev) gives E(counter), the
 * next key stream block. */
static int
ctr_crypt (signal_buffer **output,
           const uint8_t  *key,
           size_t          key_length,
           const uint8_t  *iv,
           const uint8_t  *input,
           size_t          length)
{
  static const uint8_t zero[AES_BLOCK] = { 0 };
  gnutls_cipher_hd_t handle = cbc_open (key, key_length, zero);
  uint8_t counter[AES_BLOCK];
  uint8_t previous[AES_BLOCK] = { 0 };
  uint8_t block[AES_BLOCK];
  signal_buffer *buffer;
  uint8_t *data;

  if (handle == NULL)
    return SG_ERR_INVAL;
  buffer = signal_buffer_alloc (length);
  if (buffer == NULL)
    {
      gnutls_cipher_deinit (handle);
      return SG_ERR_NOMEM;
    }
  data = signal_buffer_data (buffer);
  memcpy (counter, iv, AES_BLOCK);

  for (size_t offset = 0; offset < length; offset += AES_BLOCK)
    {
      size_t n = MIN (AES_BLOCK, length - offset);

      for (guint i = 0; i < AES_BLOCK; i++)
        block[i] = counter[i] ^ previous[i];
      if (gnutls_cipher_encrypt2 (handle, block, AES_BLOCK, previous, AES_BLOCK) < 0)
        {
          gnutls_cipher_deinit (handle);
          signal_buffer_bzero_free (buffer);
          return SG_ERR_UNKNOWN;
        }
      for (size_t i = 0; i < n; i++)
        data[offset + i] = input[offset + i] ^ previous[i];
      for (int i = AES_BLOCK - 1; i >= 0 && ++counter[i] == 0; i--)
        ;
    }

  gnutls_cipher_deinit (handle);
  gnutls_memset (previous, 0, sizeof previous);
  gnutls_memset (block, 0, sizeof block);
  *output = buffer;
  return SG_SUCCESS;
}

static int
encrypt_cb (signal_buffer **output,
            int             cipher,
            const uint8_t  *key,
            size_t          key_length,
            const uint8_t  *iv,
            size_t          iv_length,
            const uint8_t  *plaintext,
            size_t          length,
            void           *user_data)
{
  if (iv_length != AES_BLOCK || cbc_algorithm (key_length) == GNUTLS_CIPHER_UNKNOWN)
    return SG_ERR_INVAL;
  switch (cipher)
    {
    case SG_CIPHER_AES_CBC_PKCS5:
      return cbc_encrypt (output, key, key_length, iv, plaintext, length);
    case SG_CIPHER_AES_CTR_NOPADDING:
      return ctr_crypt (output, key, key_length, iv, plaintext, length);
    default:
      return SG_ERR_INVAL;
    }
}

static int
decrypt_cb (signal_buffer **output,
            int             cipher,
            const uint8_t  *key,
            size_t          key_length,
            const uint8_t  *iv,
            size_t          iv_length,
            const uint8_t  *ciphertext,
            size_t          length,
            void           *user_data)
{
  if (iv_length != AES_BLOCK || cbc_algorithm (key_length) == GNUTLS_CIPHER_UNKNOWN)
    return SG_ERR_INVAL;
  switch (cipher)
    {
    case SG_CIPHER_AES_CBC_PKCS5:
      return cbc_decrypt (output, key, key_length, iv, ciphertext, length);
    case SG_CIPHER_AES_CTR_NOPADDING:
      return ctr_crypt (output, key, key_length, iv, ciphertext, length);
    default:
      return SG_ERR_INVAL;
    }
}

static const signal_crypto_provider provider = {
  .random_func = random_cb,
  .hmac_sha256_init_func = hmac_sha256_init_cb,
  .hmac_sha256_update_func = hmac_sha256_update_cb,
  .hmac_sha256_final_func = hmac_sha256_final_cb,
  .hmac_sha256_cleanup_func = hmac_sha256_cleanup_cb,
  .sha512_digest_init_func = sha512_init_cb,
  .sha512_digest_update_func = sha512_update_cb,
  .sha512_digest_final_func = sha512_final_cb,
  .sha512_digest_cleanup_func = sha512_cleanup_cb,
  .encrypt_func = encrypt_cb,
  .decrypt_func = decrypt_cb,
  .user_data = NULL,
};

/**
 * natter_omemo_crypto_get_provider:
 *
 * The crypto provider to give signal_context_set_crypto_provider(): it
 * keeps no state, so every context may share it.
 *
 * Returns: (transfer none): the provider
 */
const signal_crypto_provider *
natter_omemo_crypto_get_provider (void)
{
  return &provider;
}

/* AES-128-GCM of OMEMO payloads
 *
 * GnuTLS does 96-bit IVs right and fast.  Given a 16-byte IV, GnuTLS 3.7
 * does not fail but computes something that is not GCM (it uses the first
 * 12 bytes as if they were the whole IV), so 16-byte IVs, which older
 * OMEMO clients send, take a plain implementation of SP 800-38D here:
 * J0 = GHASH(IV ‖ 0^64 ‖ [len(IV)]64), CTR with inc32 from inc32(J0), and
 * the tag E(J0) ⊕ GHASH(C ‖ lengths). */

typedef struct
{
  guint64 hi;
  guint64 lo;
} Block128;

static Block128
block_load (const guint8 *p)
{
  Block128 b = { 0, 0 };

  for (guint i = 0; i < 8; i++)
    {
      b.hi = b.hi << 8 | p[i];
      b.lo = b.lo << 8 | p[8 + i];
    }
  return b;
}

static void
block_store (Block128  b,
             guint8   *p)
{
  for (int i = 7; i >= 0; i--)
    {
      p[i] = (guint8) b.hi;
      p[8 + i] = (guint8) b.lo;
      b.hi >>= 8;
      b.lo >>= 8;
    }
}

/* X · Y in GF(2^128), SP 800-38D algorithm 1; constant time. */
static Block128
gf_multiply (Block128 x,
             Block128 y)
{
  Block128 z = { 0, 0 };
  Block128 v = y;

  for (guint i = 0; i < 128; i++)
    {
      guint64 bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
      guint64 mask = (guint64) 0 - bit;
      guint64 carry = (guint64) 0 - (v.lo & 1);

      z.hi ^= v.hi & mask;
      z.lo ^= v.lo & mask;
      v.lo = (v.lo >> 1) | (v.hi << 63);
      v.hi = (v.hi >> 1) ^ (carry & G_GUINT64_CONSTANT (0xe100000000000000));
    }
  return z;
}

/* Y ← (Y ⊕ block) · H over data, the last block zero-padded. */
static Block128
ghash_update (Block128      y,
              Block128      h,
              const guint8 *data,
              gsize         length)
{
  for (gsize offset = 0; offset < length; offset += 16)
    {
      guint8 padded[16] = { 0 };
      Block128 x;

      memcpy (padded, data + offset, MIN (16, length - offset));
      x = block_load (padded);
      y.hi ^= x.hi;
      y.lo ^= x.lo;
      y = gf_multiply (y, h);
    }
  return y;
}

static Block128
ghash_lengths (Block128 y,
               Block128 h,
               guint64  a_bits,
               guint64  c_bits)
{
  y.hi ^= a_bits;
  y.lo ^= c_bits;
  return gf_multiply (y, h);
}

/* Encrypts blocks independently (ECB) with a zero-IV CBC handle, by
 * undoing the chaining: input ⊕ previous output. */
static gboolean
ecb_encrypt (gnutls_cipher_hd_t  handle,
             guint8             *previous,
             const guint8       *in,
             guint8             *out)
{
  guint8 block[16];

  for (guint i = 0; i < 16; i++)
    block[i] = in[i] ^ previous[i];
  if (gnutls_cipher_encrypt2 (handle, block, 16, out, 16) < 0)
    return FALSE;
  memcpy (previous, out, 16);
  return TRUE;
}

static gboolean
gcm_soft (const guint8 *key,
          const guint8 *iv,
          gsize         iv_length,
          gboolean      encrypt,
          const guint8 *input,
          gsize         length,
          guint8       *output,
          guint8        tag[16])
{
  static const guint8 zero[16] = { 0 };
  gnutls_cipher_hd_t handle = cbc_open (key, NATTER_OMEMO_AES_KEY_SIZE, zero);
  guint8 previous[16] = { 0 };
  guint8 h_bytes[16], j0[16], counter[16], stream[16], ek_j0[16];
  Block128 h, y = { 0, 0 };
  const guint8 *ciphertext = encrypt ? output : input;
  gboolean ok = FALSE;

  if (handle == NULL)
    return FALSE;
  if (!ecb_encrypt (handle, previous, zero, h_bytes))
    goto out;
  h = block_load (h_bytes);
  y = ghash_update (y, h, iv, iv_length);
  y = ghash_lengths (y, h, 0, (guint64) iv_length * 8);
  block_store (y, j0);
  if (!ecb_encrypt (handle, previous, j0, ek_j0))
    goto out;

  memcpy (counter, j0, 16);
  for (gsize offset = 0; offset < length; offset += 16)
    {
      guint32 low = (guint32) counter[12] << 24 | (guint32) counter[13] << 16 |
                    (guint32) counter[14] << 8 | counter[15];

      low++;
      counter[12] = (guint8) (low >> 24);
      counter[13] = (guint8) (low >> 16);
      counter[14] = (guint8) (low >> 8);
      counter[15] = (guint8) low;
      if (!ecb_encrypt (handle, previous, counter, stream))
        goto out;
      for (gsize i = 0; i < 16 && offset + i < length; i++)
        output[offset + i] = input[offset + i] ^ stream[i];
    }

  y.hi = y.lo = 0;
  y = ghash_update (y, h, ciphertext, length);
  y = ghash_lengths (y, h, 0, (guint64) length * 8);
  block_store (y, tag);
  for (guint i = 0; i < 16; i++)
    tag[i] ^= ek_j0[i];
  ok = TRUE;

out:
  gnutls_cipher_deinit (handle);
  gnutls_memset (previous, 0, sizeof previous);
  gnutls_memset (stream, 0, sizeof stream);
  gnutls_memset (h_bytes, 0, sizeof h_bytes);
  gnutls_memset (ek_j0, 0, sizeof ek_j0);
  return ok;
}

static gboolean
check_iv_length (gsize    iv_length,
                 GError **error)
{
  if (iv_length != 12 && iv_length != 16)
    {
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                   _("The message’s IV has %" G_GSIZE_FORMAT " bytes; 12 or 16 were expected"),
                   iv_length);
      return FALSE;
    }
  return TRUE;
}

static gboolean
gcm_open (gnutls_aead_cipher_hd_t  *handle,
          const guint8             *key,
          GError                  **error)
{
  gnutls_datum_t key_datum = { (unsigned char *) key, NATTER_OMEMO_AES_KEY_SIZE };

  if (gnutls_aead_cipher_init (handle, GNUTLS_CIPHER_AES_128_GCM, &key_datum) < 0)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("AES-GCM is not available"));
      return FALSE;
    }
  return TRUE;
}

static void
set_failed (GError **error,
            int      rc)
{
  g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
               _("The cipher failed: %s"), gnutls_strerror (rc));
}

/**
 * natter_omemo_crypto_gcm_encrypt:
 * @key: (array fixed-size=16): the AES-128 key
 * @iv: (array length=iv_length): the IV
 * @iv_length: 12 or 16
 * @plaintext: (array length=length) (nullable): the plaintext
 * @length: its size
 * @tag: (out caller-allocates): receives the 16-byte authentication tag
 * @error: return location for a #GError
 *
 * Encrypts with AES-128-GCM, without associated data.
 *
 * Returns: (transfer full): the ciphertext, as long as @plaintext, or %NULL
 */
GBytes *
natter_omemo_crypto_gcm_encrypt (const guint8  *key,
                                 const guint8  *iv,
                                 gsize          iv_length,
                                 const guint8  *plaintext,
                                 gsize          length,
                                 guint8         tag[NATTER_OMEMO_GCM_TAG_SIZE],
                                 GError       **error)
{
  gnutls_aead_cipher_hd_t handle = NULL;
  g_autofree guint8 *output = NULL;
  static const guint8 empty[1] = { 0 };
  size_t output_length = length + NATTER_OMEMO_GCM_TAG_SIZE;
  int rc;

  g_return_val_if_fail (key != NULL && iv != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);

  if (!check_iv_length (iv_length, error))
    return NULL;
  output = g_malloc (output_length);

  if (iv_length != 12)
    {
      if (!gcm_soft (key, iv, iv_length, TRUE, plaintext, length, output, tag))
        {
          set_failed (error, GNUTLS_E_ENCRYPTION_FAILED);
          return NULL;
        }
      return g_bytes_new_take (g_steal_pointer (&output), length);
    }

  if (!gcm_open (&handle, key, error))
    return NULL;
  rc = gnutls_aead_cipher_encrypt (handle, iv, iv_length, NULL, 0, NATTER_OMEMO_GCM_TAG_SIZE,
                                   length > 0 ? plaintext : empty, length,
                                   output, &output_length);
  gnutls_aead_cipher_deinit (handle);
  if (rc < 0 || output_length != length + NATTER_OMEMO_GCM_TAG_SIZE)
    {
      set_failed (error, rc);
      return NULL;
    }
  memcpy (tag, output + length, NATTER_OMEMO_GCM_TAG_SIZE);
  return g_bytes_new_take (g_steal_pointer (&output), length);
}

static gboolean
tags_equal (const guint8 *a,
            const guint8 *b)
{
  guint8 diff = 0;

  for (guint i = 0; i < NATTER_OMEMO_GCM_TAG_SIZE; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static void
set_tag_mismatch (GError **error)
{
  g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_AUTHENTICATION,
                       _("The message was changed on its way or is damaged: its "
                         "authentication tag does not match"));
}

/**
 * natter_omemo_crypto_gcm_decrypt:
 * @key: (array fixed-size=16): the AES-128 key
 * @iv: (array length=iv_length): the IV
 * @iv_length: 12 or 16
 * @ciphertext: (array length=length) (nullable): the ciphertext
 * @length: its size
 * @tag: (array fixed-size=16): the authentication tag
 * @error: return location for a #GError
 *
 * Checks the tag and decrypts.  Nothing of the plaintext is returned
 * unless the tag is right: a wrong one fails with
 * %NATTER_OMEMO_ERROR_AUTHENTICATION.
 *
 * Returns: (transfer full): the plaintext, or %NULL
 */
GBytes *
natter_omemo_crypto_gcm_decrypt (const guint8  *key,
                                 const guint8  *iv,
                                 gsize          iv_length,
                                 const guint8  *ciphertext,
                                 gsize          length,
                                 const guint8   tag[NATTER_OMEMO_GCM_TAG_SIZE],
                                 GError       **error)
{
  gnutls_aead_cipher_hd_t handle = NULL;
  g_autofree guint8 *input = NULL;
  g_autofree guint8 *output = NULL;
  size_t output_length = length + 1;
  int rc;

  g_return_val_if_fail (key != NULL && iv != NULL && tag != NULL, NULL);
  g_return_val_if_fail (ciphertext != NULL || length == 0, NULL);

  if (!check_iv_length (iv_length, error))
    return NULL;
  output = g_malloc (output_length);

  if (iv_length != 12)
    {
      guint8 computed[NATTER_OMEMO_GCM_TAG_SIZE];

      if (!gcm_soft (key, iv, iv_length, FALSE, ciphertext, length, output, computed))
        {
          set_failed (error, GNUTLS_E_DECRYPTION_FAILED);
          gnutls_memset (output, 0, output_length);
          return NULL;
        }
      if (!tags_equal (computed, tag))
        {
          gnutls_memset (output, 0, output_length);
          set_tag_mismatch (error);
          return NULL;
        }
      return g_bytes_new_take (g_steal_pointer (&output), length);
    }

  if (!gcm_open (&handle, key, error))
    return NULL;
  /* GnuTLS wants the tag after the ciphertext. */
  input = g_malloc (length + NATTER_OMEMO_GCM_TAG_SIZE);
  if (length > 0)
    memcpy (input, ciphertext, length);
  memcpy (input + length, tag, NATTER_OMEMO_GCM_TAG_SIZE);
  rc = gnutls_aead_cipher_decrypt (handle, iv, iv_length, NULL, 0, NATTER_OMEMO_GCM_TAG_SIZE,
                                   input, length + NATTER_OMEMO_GCM_TAG_SIZE,
                                   output, &output_length);
  gnutls_aead_cipher_deinit (handle);
  if (rc == GNUTLS_E_DECRYPTION_FAILED)
    {
      gnutls_memset (output, 0, length + 1);
      set_tag_mismatch (error);
      return NULL;
    }
  if (rc < 0 || output_length != length)
    {
      gnutls_memset (output, 0, length + 1);
      set_failed (error, rc);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&output), length);
}
