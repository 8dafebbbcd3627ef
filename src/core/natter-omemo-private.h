/* natter-omemo-private.h: NatterOmemo for its account and for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/store.h"

#include "natter-omemo.h"

G_BEGIN_DECLS

/**
 * NatterOmemoUriEntry:
 * @device_id: the device the URI names
 * @fingerprint: its key's fingerprint, 64 lowercase hex digits, no spaces
 *
 * One `omemo-sid-<id>=<fingerprint>` of a fingerprint URI.
 */
typedef struct
{
  guint32 device_id;
  char    fingerprint[65];
} NatterOmemoUriEntry;

/* How long a device whose bundle could not be used is not asked again
 * (SECURITY.md row 50: no fetch storm), µs. */
#define NATTER_OMEMO_BUNDLE_RETRY_DELAY (30 * G_TIME_SPAN_SECOND)

/* How often an online device looks whether its signed pre-key is due
 * for rotation, in seconds. */
#define NATTER_OMEMO_REFRESH_INTERVAL_S (6 * 60 * 60)

NatterOmemo       *natter_omemo_new           (NatterStore        *store,
                                               gint64              account_id,
                                               const char         *own_jid)
                                               G_GNUC_WARN_UNUSED_RESULT;
void               natter_omemo_bind          (NatterOmemo        *self,
                                               XmppClient         *client,
                                               XmppDisco          *disco,
                                               XmppPresence       *presence,
                                               XmppPep            *pep);

/* Parses `xmpp:jid?omemo-sid-<id>=<hex>;…` strictly: a valid bare JID,
 * at least one and at most NATTER_OMEMO_MAX_DEVICES entries, each id 1 to
 * 2³¹ − 1 written in decimal without sign or leading zero, each value 64
 * hex digits (either case), no id twice.  Other parameters and an action
 * are ignored.  NATTER_OMEMO_ERROR_MALFORMED otherwise. */
gboolean           natter_omemo_uri_parse     (const char         *uri,
                                               XmppJid           **jid,
                                               GArray            **entries,
                                               GError            **error);

NatterOmemoDevice *natter_omemo_device_new    (const char         *jid,
                                               guint32             device_id,
                                               gboolean            own)
                                               G_GNUC_WARN_UNUSED_RESULT;
void               natter_omemo_device_update (NatterOmemoDevice  *self,
                                               const char         *fingerprint,
                                               NatterOmemoTrust    trust,
                                               gboolean            active,
                                               gint64              last_seen,
                                               const char         *problem);

G_END_DECLS
