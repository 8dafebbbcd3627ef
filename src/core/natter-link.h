/* natter-link.h: what an xmpp: link asks the application to do
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * NatterLinkAction:
 * @NATTER_LINK_OPEN: open the conversation (no action, or `?message`)
 * @NATTER_LINK_ADD_CONTACT: offer to add the contact (`?roster`,
 *   `?subscribe`)
 * @NATTER_LINK_VERIFY: offer to verify OMEMO devices: the link carries
 *   `omemo-sid-<id>=<fingerprint>` pairs, as Conversations shares them
 *
 * What a link asks for (XEP-0147).  Actions Natter does not know open the
 * conversation, as the XEP recommends.
 */
typedef enum {
  NATTER_LINK_OPEN,
  NATTER_LINK_ADD_CONTACT,
  NATTER_LINK_VERIFY,
} NatterLinkAction;

#define NATTER_TYPE_LINK (natter_link_get_type ())

typedef struct _NatterLink NatterLink;

GType             natter_link_get_type   (void) G_GNUC_CONST;
NatterLink       *natter_link_parse      (const char  *text,
                                          GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void              natter_link_free       (NatterLink  *self);
const char       *natter_link_get_peer   (NatterLink  *self);
NatterLinkAction  natter_link_get_action (NatterLink  *self);
const char       *natter_link_get_body   (NatterLink  *self);
const char       *natter_link_get_name   (NatterLink  *self);
const char       *natter_link_get_uri    (NatterLink  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterLink, natter_link_free)

G_END_DECLS
