/* natter-test-certs.c: a private CA and a server certificate for test servers
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the Prosody and ejabberd fixtures: both serve the same names,
 * so a client test trusts either server the same way.
 */
#include "config.h"

#include "natter-test-certs.h"

static gboolean
run_openssl (GError     **error,
             const char  *first_arg,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "openssl");
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                               error);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "openssl %s failed: %s", first_arg, output);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_test_make_certificates:
 * @directory: where to write the files
 * @domain: the server's domain
 * @ca_file: (out) (optional): the PEM file of the new CA, `ca.crt`
 * @certificate_file: (out) (optional): the server certificate, `server.crt`
 * @key_file: (out) (optional): its private key, `server.key`
 * @fingerprint: (out) (optional): SHA-256 of the certificate's DER, as 64
 *   lowercase hex digits
 * @error: return location for an error
 *
 * Makes a private CA and a server certificate it signs, valid for @domain,
 * its subdomains, localhost and 127.0.0.1.  Clients trust the server by
 * trusting the CA, or by pinning the fingerprint.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_test_make_certificates (const char  *directory,
                               const char  *domain,
                               char       **ca_file,
                               char       **certificate_file,
                               char       **key_file,
                               char       **fingerprint,
                               GError     **error)
{
  g_autofree char *ca_key = g_build_filename (directory, "ca.key", NULL);
  g_autofree char *ca = g_build_filename (directory, "ca.crt", NULL);
  g_autofree char *key = g_build_filename (directory, "server.key", NULL);
  g_autofree char *csr = g_build_filename (directory, "server.csr", NULL);
  g_autofree char *ext = g_build_filename (directory, "server.ext", NULL);
  g_autofree char *serial = g_build_filename (directory, "ca.srl", NULL);
  g_autofree char *crt = g_build_filename (directory, "server.crt", NULL);
  g_autofree char *subject = g_strdup_printf ("/CN=%s", domain);
  g_autofree char *extensions = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  extensions = g_strdup_printf ("subjectAltName=DNS:%s,DNS:*.%s,DNS:localhost,IP:127.0.0.1\n"
                                "extendedKeyUsage=serverAuth\n"
                                "basicConstraints=CA:FALSE\n",
                                domain, domain);
  if (!g_file_set_contents (ext, extensions, -1, error))
    return FALSE;
  if (!run_openssl (error, "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", ca_key, "-out", ca, "-days", "3650",
                    "-subj", "/CN=Natter Test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL))
    return FALSE;
  if (!run_openssl (error, "req", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", csr, "-subj", subject, NULL))
    return FALSE;
  if (!run_openssl (error, "x509", "-req", "-in", csr, "-CA", ca,
                    "-CAkey", ca_key, "-CAserial", serial, "-CAcreateserial",
                    "-out", crt, "-days", "3650", "-extfile", ext, NULL))
    return FALSE;

  certificate = g_tls_certificate_new_from_file (crt, error);
  if (certificate == NULL)
    return FALSE;

  if (fingerprint != NULL)
    {
      g_object_get (certificate, "certificate", &der, NULL);
      *fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
    }
  if (ca_file != NULL)
    *ca_file = g_steal_pointer (&ca);
  if (certificate_file != NULL)
    *certificate_file = g_steal_pointer (&crt);
  if (key_file != NULL)
    *key_file = g_steal_pointer (&key);
  return TRUE;
}
