/* natter-test-certs.h: a private CA and a server certificate for test servers
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean natter_test_make_certificates (const char  *directory,
                                        const char  *domain,
                                        char       **ca_file,
                                        char       **certificate_file,
                                        char       **key_file,
                                        char       **fingerprint,
                                        GError     **error);

G_END_DECLS
