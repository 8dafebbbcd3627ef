/* natter-address.h: checks of addresses as the user types them
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * NatterAddressKind:
 * @NATTER_ADDRESS_ACCOUNT: an account's address: `name@example.org`,
 *   optionally with `/resource`
 * @NATTER_ADDRESS_CONTACT: a contact's bare address: `name@example.org`
 *   or a server or gateway's `example.org`
 *
 * What kind of address a field takes.
 */
typedef enum {
  NATTER_ADDRESS_ACCOUNT,
  NATTER_ADDRESS_CONTACT,
} NatterAddressKind;

gboolean natter_address_check          (const char         *text,
                                        NatterAddressKind   kind,
                                        GError            **error);
gboolean natter_address_check_host     (const char         *text,
                                        GError            **error);
gboolean natter_address_check_resource (const char         *text,
                                        GError            **error);

G_END_DECLS
