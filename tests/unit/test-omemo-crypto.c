/* test-omemo-crypto.c: the GnuTLS crypto provider against published test vectors
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Vectors: RFC 4231 §4 (HMAC-SHA256), FIPS 180-4 examples and the NIST
 * CAVP short and long messages (SHA-512), NIST SP 800-38A appendix F
 * (AES-CBC, AES-CTR; the last CBC block is the PKCS#5 padding block libsignal
 * adds).  GCM: computed with Python's cryptography package, once for each
 * accepted IV length.
 */
#include "config.h"

#include <string.h>

#include "omemo/omemo.h"
#include "omemo/natter-omemo-crypto.h"

static GBytes *
hex (const char *text)
{
  GByteArray *bytes = g_byte_array_new ();

  for (const char *p = text; *p != '\0';)
    {
      guint8 byte;

      if (*p == ' ')
        {
          p++;
          continue;
        }
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      byte = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (bytes, &byte, 1);
      p += 2;
    }
  return g_byte_array_free_to_bytes (bytes);
}

static GBytes *
repeat (guint8 byte,
        gsize  n)
{
  guint8 *data = g_malloc (n + 1);

  memset (data, byte, n + 1);
  return g_bytes_new_take (data, n);
}

static void
assert_buffer (signal_buffer *buffer,
               GBytes        *expected)
{
  g_assert_nonnull (buffer);
  g_assert_cmpmem (signal_buffer_data (buffer), signal_buffer_len (buffer),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* HMAC-SHA256, RFC 4231 */

static signal_buffer *
hmac (GBytes *key,
      GBytes *data,
      gsize   chunk)
{
  const signal_crypto_provider *p = natter_omemo_crypto_get_provider ();
  const guint8 *bytes = g_bytes_get_data (data, NULL);
  gsize length = g_bytes_get_size (data);
  signal_buffer *output = NULL;
  void *context = NULL;

  g_assert_cmpint (p->hmac_sha256_init_func (&context, g_bytes_get_data (key, NULL),
                                             g_bytes_get_size (key), p->user_data), ==, 0);
  for (gsize offset = 0; offset < length; offset += chunk)
    g_assert_cmpint (p->hmac_sha256_update_func (context, bytes + offset,
                                                 MIN (chunk, length - offset),
                                                 p->user_data), ==, 0);
  g_assert_cmpint (p->hmac_sha256_final_func (context, &output, p->user_data), ==, 0);
  p->hmac_sha256_cleanup_func (context, p->user_data);
  return output;
}

static void
test_hmac_sha256_rfc4231 (void)
{
  const char *large_key_text = "Test Using Larger Than Block-Size Key - Hash Key First";
  const char *large_data_text = "This is a test using a larger than block-size key and a larger "
                                "than block-size data. The key needs to be hashed before being "
                                "used by the HMAC algorithm.";
  struct {
    GBytes *key;
    GBytes *data;
    const char *mac;
    gsize mac_length;
  } cases[] = {
    { repeat (0x0b, 20), g_bytes_new_static ("Hi There", 8),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32 },
    { g_bytes_new_static ("Jefe", 4), g_bytes_new_static ("what do ya want for nothing?", 28),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32 },
    { repeat (0xaa, 20), repeat (0xdd, 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32 },
    { hex ("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat (0xcd, 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32 },
    /* Test case 5 publishes the first 128 bits only. */
    { repeat (0x0c, 20), g_bytes_new_static ("Test With Truncation", 20),
      "a3b6167473100ee06e0c796c2955552b", 16 },
    { repeat (0xaa, 131), g_bytes_new_static (large_key_text, strlen (large_key_text)),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32 },
    { repeat (0xaa, 131), g_bytes_new_static (large_data_text, strlen (large_data_text)),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) expected = hex (cases[i].mac);

      /* A byte at a time, in odd pieces and in one update. */
      gsize chunks[] = { 1, 7, G_MAXSIZE / 2 };

      for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
        {
          signal_buffer *mac = hmac (cases[i].key, cases[i].data, chunks[c]);

          g_assert_cmpuint (signal_buffer_len (mac), ==, 32);
          g_assert_cmpmem (signal_buffer_data (mac), cases[i].mac_length,
                           g_bytes_get_data (expected, NULL), cases[i].mac_length);
          signal_buffer_free (mac);
        }
      g_bytes_unref (cases[i].key);
      g_bytes_unref (cases[i].data);
    }
}

/* SHA-512, FIPS 180-4 / NIST CAVP */

static void
test_sha512_nist (void)
{
  const signal_crypto_provider *p = natter_omemo_crypto_get_provider ();
  g_autofree char *million = g_strnfill (1000000, 'a');
  struct {
    const char *message;
    const char *digest;
  } cases[] = {
    { "abc",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
      "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    { million,
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
  };
  void *context = NULL;

  /* One context for all: final prepares it for reuse. */
  g_assert_cmpint (p->sha512_digest_init_func (&context, p->user_data), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) expected = hex (cases[i].digest);
      signal_buffer *digest = NULL;
      gsize length = strlen (cases[i].message);
      gsize half = length / 2;

      g_assert_cmpint (p->sha512_digest_update_func (context, (const uint8_t *) cases[i].message,
                                                     half, p->user_data), ==, 0);
      g_assert_cmpint (p->sha512_digest_update_func (context,
                                                     (const uint8_t *) cases[i].message + half,
                                                     length - half, p->user_data), ==, 0);
      g_assert_cmpint (p->sha512_digest_final_func (context, &digest, p->user_data), ==, 0);
      assert_buffer (digest, expected);
      signal_buffer_free (digest);
    }
  p->sha512_digest_cleanup_func (context, p->user_data);
}

/* AES, NIST SP 800-38A */

#define SP800_38A_PLAINTEXT \
  "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51" \
  "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"

static const struct {
  const char *key;
  const char *cbc;   /* F.2.1/F.2.3/F.2.5, then the padding block */
  const char *ctr;   /* F.5.1/F.5.3/F.5.5 */
} aes_vectors[] = {
  { "2b7e151628aed2a6abf7158809cf4f3c",
    "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
    "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"
    "8cb82807230e1321d3fae00d18cc2012",
    "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
    "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee" },
  { "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
    "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
    "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd"
    "612ccd79224b350935d45dd6a98f8176",
    "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94"
    "1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050" },
  { "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
    "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
    "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"
    "3f461796d6b0d6b2e0c2a72b4d80e644",
    "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5"
    "2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6" },
};

static signal_buffer *
aes (gboolean  encrypt,
     int       cipher,
     GBytes   *key,
     GBytes   *iv,
     GBytes   *input,
     int      *rc)
{
  const signal_crypto_provider *p = natter_omemo_crypto_get_provider ();
  signal_buffer *output = NULL;
  gsize key_length, iv_length, length;
  const guint8 *key_data = g_bytes_get_data (key, &key_length);
  const guint8 *iv_data = g_bytes_get_data (iv, &iv_length);
  const guint8 *data = g_bytes_get_data (input, &length);

  *rc = (encrypt ? p->encrypt_func : p->decrypt_func) (&output, cipher, key_data, key_length,
                                                       iv_data, iv_length, data, length,
                                                       p->user_data);
  if (*rc < 0)
    g_assert_null (output);
  return output;
}

static void
test_aes_cbc_sp800_38a (void)
{
  g_autoptr(GBytes) iv = hex ("000102030405060708090a0b0c0d0e0f");
  g_autoptr(GBytes) plaintext = hex (SP800_38A_PLAINTEXT);

  for (guint i = 0; i < G_N_ELEMENTS (aes_vectors); i++)
    {
      g_autoptr(GBytes) key = hex (aes_vectors[i].key);
      g_autoptr(GBytes) expected = hex (aes_vectors[i].cbc);
      signal_buffer *out;
      int rc;

      out = aes (TRUE, SG_CIPHER_AES_CBC_PKCS5, key, iv, plaintext, &rc);
      g_assert_cmpint (rc, ==, 0);
      assert_buffer (out, expected);
      signal_buffer_free (out);

      out = aes (FALSE, SG_CIPHER_AES_CBC_PKCS5, key, iv, expected, &rc);
      g_assert_cmpint (rc, ==, 0);
      assert_buffer (out, plaintext);
      signal_buffer_free (out);
    }
}

/* Padding of every length round-trips, and the empty plaintext is one block. */
static void
test_aes_cbc_padding_lengths (void)
{
  g_autoptr(GBytes) key = hex (aes_vectors[0].key);
  g_autoptr(GBytes) iv = hex ("000102030405060708090a0b0c0d0e0f");

  for (gsize n = 0; n <= 48; n++)
    {
      g_autoptr(GBytes) plaintext = repeat ((guint8) n, n);
      g_autoptr(GBytes) ciphertext = NULL;
      signal_buffer *out;
      int rc;

      out = aes (TRUE, SG_CIPHER_AES_CBC_PKCS5, key, iv, plaintext, &rc);
      g_assert_cmpint (rc, ==, 0);
      g_assert_cmpuint (signal_buffer_len (out), ==, (n / 16 + 1) * 16);
      ciphertext = g_bytes_new (signal_buffer_data (out), signal_buffer_len (out));
      signal_buffer_free (out);

      out = aes (FALSE, SG_CIPHER_AES_CBC_PKCS5, key, iv, ciphertext, &rc);
      g_assert_cmpint (rc, ==, 0);
      assert_buffer (out, plaintext);
      signal_buffer_free (out);
    }
}

static void
test_aes_ctr_sp800_38a (void)
{
  g_autoptr(GBytes) counter = hex ("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  g_autoptr(GBytes) plaintext = hex (SP800_38A_PLAINTEXT);

  for (guint i = 0; i < G_N_ELEMENTS (aes_vectors); i++)
    {
      g_autoptr(GBytes) key = hex (aes_vectors[i].key);
      g_autoptr(GBytes) expected = hex (aes_vectors[i].ctr);
      g_autoptr(GBytes) partial = g_bytes_new_from_bytes (plaintext, 0, 37);
      signal_buffer *out;
      int rc;

      out = aes (TRUE, SG_CIPHER_AES_CTR_NOPADDING, key, counter, plaintext, &rc);
      g_assert_cmpint (rc, ==, 0);
      assert_buffer (out, expected);
      signal_buffer_free (out);

      out = aes (FALSE, SG_CIPHER_AES_CTR_NOPADDING, key, counter, expected, &rc);
      g_assert_cmpint (rc, ==, 0);
      assert_buffer (out, plaintext);
      signal_buffer_free (out);

      /* No padding: a partial last block stays partial. */
      out = aes (TRUE, SG_CIPHER_AES_CTR_NOPADDING, key, counter, partial, &rc);
      g_assert_cmpint (rc, ==, 0);
      g_assert_cmpmem (signal_buffer_data (out), signal_buffer_len (out),
                       g_bytes_get_data (expected, NULL), 37);
      signal_buffer_free (out);
    }
}

/* The counter carries over all 128 bits. */
static void
test_aes_ctr_counter_wraps (void)
{
  g_autoptr(GBytes) key = hex (aes_vectors[0].key);
  g_autoptr(GBytes) counter = hex ("ffffffffffffffffffffffffffffffff");
  g_autoptr(GBytes) plaintext = hex (SP800_38A_PLAINTEXT);
  g_autoptr(GBytes) input = g_bytes_new_from_bytes (plaintext, 0, 40);
  g_autoptr(GBytes) expected = hex ("e13338e36cb71962e00d020b4cedbd86d3dae15b04bb352f"
                                    "a0f59febfcb4da3e67da610697ed5aae");
  signal_buffer *out;
  int rc;

  out = aes (TRUE, SG_CIPHER_AES_CTR_NOPADDING, key, counter, input, &rc);
  g_assert_cmpint (rc, ==, 0);
  assert_buffer (out, expected);
  signal_buffer_free (out);
}

static void
test_aes_bad_inputs (void)
{
  g_autoptr(GBytes) key = hex (aes_vectors[0].key);
  g_autoptr(GBytes) iv = hex ("000102030405060708090a0b0c0d0e0f");
  g_autoptr(GBytes) plaintext = hex (SP800_38A_PLAINTEXT);
  g_autoptr(GBytes) ciphertext = hex (aes_vectors[0].cbc);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  int ciphers[] = { SG_CIPHER_AES_CBC_PKCS5, SG_CIPHER_AES_CTR_NOPADDING };
  gsize bad_key_lengths[] = { 0, 8, 15, 17, 20, 31, 33, 64 };
  gsize bad_iv_lengths[] = { 0, 8, 12, 15, 17, 32 };
  int rc;

  for (guint c = 0; c < G_N_ELEMENTS (ciphers); c++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (bad_key_lengths); i++)
        {
          g_autoptr(GBytes) bad = repeat (0x11, bad_key_lengths[i]);

          g_assert_null (aes (TRUE, ciphers[c], bad, iv, plaintext, &rc));
          g_assert_cmpint (rc, <, 0);
          g_assert_null (aes (FALSE, ciphers[c], bad, iv, ciphertext, &rc));
          g_assert_cmpint (rc, <, 0);
        }
      for (guint i = 0; i < G_N_ELEMENTS (bad_iv_lengths); i++)
        {
          g_autoptr(GBytes) bad = repeat (0x22, bad_iv_lengths[i]);

          g_assert_null (aes (TRUE, ciphers[c], key, bad, plaintext, &rc));
          g_assert_cmpint (rc, <, 0);
          g_assert_null (aes (FALSE, ciphers[c], key, bad, ciphertext, &rc));
          g_assert_cmpint (rc, <, 0);
        }
    }

  /* An unknown mode. */
  g_assert_null (aes (TRUE, 3, key, iv, plaintext, &rc));
  g_assert_cmpint (rc, <, 0);

  /* CBC ciphertext that is empty or not whole blocks. */
  g_assert_null (aes (FALSE, SG_CIPHER_AES_CBC_PKCS5, key, iv, empty, &rc));
  g_assert_cmpint (rc, <, 0);
  {
    g_autoptr(GBytes) ragged = g_bytes_new_from_bytes (ciphertext, 0, 70);

    g_assert_null (aes (FALSE, SG_CIPHER_AES_CBC_PKCS5, key, iv, ragged, &rc));
    g_assert_cmpint (rc, <, 0);
  }

  /* Without the padding block, the last block of the vector decrypts to
   * plaintext whose last byte (0x10 is not it) is no valid padding. */
  {
    g_autoptr(GBytes) unpadded = g_bytes_new_from_bytes (ciphertext, 0, 64);

    g_assert_null (aes (FALSE, SG_CIPHER_AES_CBC_PKCS5, key, iv, unpadded, &rc));
    g_assert_cmpint (rc, <, 0);
  }
}

/* Every corrupted padding is refused: a count of 0, above 16, and a count
 * whose bytes disagree. */
static void
test_aes_cbc_bad_padding (void)
{
  const signal_crypto_provider *p = natter_omemo_crypto_get_provider ();
  g_autoptr(GBytes) key = hex (aes_vectors[0].key);
  g_autoptr(GBytes) iv = hex ("000102030405060708090a0b0c0d0e0f");
  guint8 blocks[][16] = {
    { 0 },
    { [15] = 17 },
    { [15] = 0xff },
    { [13] = 3, [14] = 2, [15] = 3 },
    { [0] = 15, [1] = 16, [2] = 16, [3] = 16, [4] = 16, [5] = 16, [6] = 16, [7] = 16, [8] = 16,
      [9] = 16, [10] = 16, [11] = 16, [12] = 16, [13] = 16, [14] = 16, [15] = 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      signal_buffer *encrypted = NULL;
      signal_buffer *decrypted = NULL;
      int rc;

      /* The first block of the padded encryption is the raw CBC
       * encryption of the forged block. */
      g_assert_cmpint (p->encrypt_func (&encrypted, SG_CIPHER_AES_CBC_PKCS5,
                                        g_bytes_get_data (key, NULL), 16,
                                        g_bytes_get_data (iv, NULL), 16,
                                        blocks[i], 16, p->user_data), ==, 0);
      g_assert_cmpuint (signal_buffer_len (encrypted), ==, 32);
      rc = p->decrypt_func (&decrypted, SG_CIPHER_AES_CBC_PKCS5,
                            g_bytes_get_data (key, NULL), 16,
                            g_bytes_get_data (iv, NULL), 16,
                            signal_buffer_data (encrypted), 16, p->user_data);
      g_assert_cmpint (rc, <, 0);
      g_assert_null (decrypted);
      signal_buffer_free (encrypted);
    }
}

static void
test_random (void)
{
  const signal_crypto_provider *p = natter_omemo_crypto_get_provider ();
  guint8 a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };

  g_assert_cmpint (p->random_func (a, sizeof a, p->user_data), ==, 0);
  g_assert_true (natter_omemo_crypto_random (b, sizeof b, NULL));
  g_assert_true (memcmp (a, zero, sizeof a) != 0);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
  g_assert_cmpint (p->random_func (a, 0, p->user_data), ==, 0);
}

/* AES-128-GCM of payloads */

static void
test_gcm_vectors (void)
{
  struct {
    gsize iv_length;
    const char *output;   /* ciphertext ‖ tag */
  } cases[] = {
    { 12, "520722c9b42e98b5d67b1a5fa725adbe8f09582f4194a63950fe830640" },
    { 16, "6a93768ddbe9b51d2a6da645128c9f09a8f28d4ace3fb1e9d554b68236" },
  };
  const char *message = "Hello, OMEMO!";
  /* GnuTLS 3.7 silently computes something else than GCM for 16-byte IVs;
   * these two, a 16-byte IV over several blocks and one whose counter
   * wraps its low 32 bits, catch that. */
  struct {
    const char *iv;
    const char *output;
  } long_cases[] = {
    { "6465666768696a6b6c6d6e6f70717273",
      "22f114f4a8e6bf635f17ad4767cb6ca864b07369eafa897639e75ebc721ace3877bc5f9e5871d924"
      "09cfbcb43f440e035d56938a055f142256c26e97ed5a76d80cbc2d82910f564baaeb4d261809705a"
      "77ad4d015dc59c2cd82033722073ec1717be4ba8e41beffddcb83b02d26aea62c27ed2e3" },
    { "ffffffffffffffffffffffffffffffff",
      "349914baf782d499e28edc76c23f1ba276ecf6628bddfdb36d972bb067e46aab7787c50c099ede10"
      "2becc761c6ba3258c06777e24004d5e6fefbbf236e997584f056617dffc02a73911b6ebc3e227b09"
      "715785fe6db3fe79510f6bdbde5a3ab4626b6df6b1277f9b10acf70f3cc5952c401e3851" },
  };
  guint8 long_message[100];
  guint8 key[16], iv[16];

  for (guint i = 0; i < 16; i++)
    {
      key[i] = (guint8) i;
      iv[i] = (guint8) (100 + i);
    }
  for (guint i = 0; i < sizeof long_message; i++)
    long_message[i] = (guint8) (i * 7);

  for (guint i = 0; i < G_N_ELEMENTS (long_cases); i++)
    {
      g_autoptr(GBytes) long_iv = hex (long_cases[i].iv);
      g_autoptr(GBytes) expected = hex (long_cases[i].output);
      const guint8 *want = g_bytes_get_data (expected, NULL);
      g_autoptr(GBytes) ciphertext = NULL;
      g_autoptr(GBytes) plaintext = NULL;
      g_autoptr(GError) error = NULL;
      guint8 tag[16];

      ciphertext = natter_omemo_crypto_gcm_encrypt (key, g_bytes_get_data (long_iv, NULL), 16,
                                                    long_message, sizeof long_message, tag,
                                                    &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (ciphertext, NULL), g_bytes_get_size (ciphertext),
                       want, sizeof long_message);
      g_assert_cmpmem (tag, 16, want + sizeof long_message, 16);
      plaintext = natter_omemo_crypto_gcm_decrypt (key, g_bytes_get_data (long_iv, NULL), 16,
                                                   want, sizeof long_message,
                                                   want + sizeof long_message, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                       long_message, sizeof long_message);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) expected = hex (cases[i].output);
      const guint8 *want = g_bytes_get_data (expected, NULL);
      g_autoptr(GBytes) ciphertext = NULL;
      g_autoptr(GBytes) plaintext = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = strlen (message);
      guint8 tag[16];
      guint8 bad_tag[16];

      ciphertext = natter_omemo_crypto_gcm_encrypt (key, iv, cases[i].iv_length,
                                                    (const guint8 *) message, length, tag,
                                                    &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (ciphertext, NULL), g_bytes_get_size (ciphertext),
                       want, length);
      g_assert_cmpmem (tag, 16, want + length, 16);

      plaintext = natter_omemo_crypto_gcm_decrypt (key, iv, cases[i].iv_length,
                                                   g_bytes_get_data (ciphertext, NULL), length,
                                                   tag, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                       message, length);

      memcpy (bad_tag, tag, 16);
      bad_tag[15] ^= 1;
      g_clear_pointer (&plaintext, g_bytes_unref);
      plaintext = natter_omemo_crypto_gcm_decrypt (key, iv, cases[i].iv_length,
                                                   g_bytes_get_data (ciphertext, NULL), length,
                                                   bad_tag, &error);
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_AUTHENTICATION);
      g_assert_null (plaintext);
    }
}

static void
test_gcm_bad_inputs (void)
{
  guint8 key[16] = { 1 }, iv[16] = { 2 }, tag[16];
  gsize bad_iv[] = { 0, 8, 11, 13, 15, 17, 32 };
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_iv); i++)
    {
      g_autoptr(GBytes) out = NULL;

      out = natter_omemo_crypto_gcm_encrypt (key, iv, bad_iv[i], (const guint8 *) "x", 1, tag,
                                             &error);
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (out);
      g_clear_error (&error);
      out = natter_omemo_crypto_gcm_decrypt (key, iv, bad_iv[i], (const guint8 *) "x", 1, tag,
                                             &error);
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (out);
      g_clear_error (&error);
    }

  /* The empty plaintext has a tag of its own. */
  empty = natter_omemo_crypto_gcm_encrypt (key, iv, 12, NULL, 0, tag, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  back = natter_omemo_crypto_gcm_decrypt (key, iv, 12, NULL, 0, tag, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  g_clear_pointer (&back, g_bytes_unref);
  key[0] ^= 0x80;
  back = natter_omemo_crypto_gcm_decrypt (key, iv, 12, NULL, 0, tag, &error);
  g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_AUTHENTICATION);
  g_assert_null (back);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/omemo/crypto/hmac-sha256/rfc4231", test_hmac_sha256_rfc4231);
  g_test_add_func ("/natter/omemo/crypto/sha512/nist", test_sha512_nist);
  g_test_add_func ("/natter/omemo/crypto/aes-cbc/sp800-38a", test_aes_cbc_sp800_38a);
  g_test_add_func ("/natter/omemo/crypto/aes-cbc/padding-lengths", test_aes_cbc_padding_lengths);
  g_test_add_func ("/natter/omemo/crypto/aes-cbc/bad-padding", test_aes_cbc_bad_padding);
  g_test_add_func ("/natter/omemo/crypto/aes-ctr/sp800-38a", test_aes_ctr_sp800_38a);
  g_test_add_func ("/natter/omemo/crypto/aes-ctr/counter-wraps", test_aes_ctr_counter_wraps);
  g_test_add_func ("/natter/omemo/crypto/aes/bad-inputs", test_aes_bad_inputs);
  g_test_add_func ("/natter/omemo/crypto/random", test_random);
  g_test_add_func ("/natter/omemo/crypto/gcm/vectors", test_gcm_vectors);
  g_test_add_func ("/natter/omemo/crypto/gcm/bad-inputs", test_gcm_bad_inputs);

  return g_test_run ();
}
