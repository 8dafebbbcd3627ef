/* xmpp-reader.h: the XML stream parser (libxml2 push parser, SAX2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "xmpp/xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_TYPE_READER (xmpp_reader_get_type ())

G_DECLARE_FINAL_TYPE (XmppReader, xmpp_reader, XMPP, READER, GObject)

/**
 * XMPP_READER_DEFAULT_MAX_STANZA_BYTES:
 *
 * The default cap on one stanza's size in bytes (1 MiB, as Prosody's
 * default), counted while it arrives.
 */
#define XMPP_READER_DEFAULT_MAX_STANZA_BYTES (1024 * 1024)

/**
 * XMPP_READER_DEFAULT_MAX_DEPTH:
 *
 * The default cap on element nesting inside a stanza; the stanza element
 * itself is level 1.
 */
#define XMPP_READER_DEFAULT_MAX_DEPTH 64

/**
 * XMPP_READER_DEFAULT_MAX_ATTRIBUTES:
 *
 * The default cap on attributes, namespace declarations included, in one
 * start tag.
 */
#define XMPP_READER_DEFAULT_MAX_ATTRIBUTES 256

/**
 * XmppReaderCallbacks:
 * @stream_opened: (nullable): the stream header arrived; @header holds its
 *   attributes (`from`, `to`, `id`, `version`, `xml:lang`) and its
 *   namespace, and is borrowed for the call
 * @stanza: (nullable): an element at depth 1 ended (a stanza, or a nonza
 *   such as `<stream:features>`, `<stream:error>`, `<proceed>`,
 *   `<success>`, `<r>`); @stanza is borrowed for the call, take a reference
 *   to keep it
 * @stream_closed: (nullable): `</stream:stream>` arrived
 *
 * What an #XmppReader calls as it parses.  The callbacks may call
 * xmpp_reader_reset(); the rest of the data being fed is then discarded.
 */
typedef struct
{
  void (*stream_opened) (XmppReader *reader,
                         XmppNode   *header,
                         gpointer    user_data);
  void (*stanza)        (XmppReader *reader,
                         XmppNode   *stanza,
                         gpointer    user_data);
  void (*stream_closed) (XmppReader *reader,
                         gpointer    user_data);
} XmppReaderCallbacks;

XmppReader      *xmpp_reader_new                     (const XmppReaderCallbacks *callbacks,
                                                      gpointer                   user_data,
                                                      GDestroyNotify             destroy)
                                                      G_GNUC_WARN_UNUSED_RESULT;

gboolean         xmpp_reader_feed                    (XmppReader                *self,
                                                      const char                *data,
                                                      gsize                      length,
                                                      GError                   **error);
void             xmpp_reader_reset                   (XmppReader                *self);

const char      *xmpp_reader_get_stream_namespace    (XmppReader                *self);
guint64          xmpp_reader_get_bytes_fed           (XmppReader                *self);

gsize            xmpp_reader_get_max_stanza_bytes    (XmppReader                *self);
void             xmpp_reader_set_max_stanza_bytes    (XmppReader                *self,
                                                      gsize                      max_bytes);
guint            xmpp_reader_get_max_depth           (XmppReader                *self);
void             xmpp_reader_set_max_depth           (XmppReader                *self,
                                                      guint                      max_depth);
guint            xmpp_reader_get_max_attributes      (XmppReader                *self);
void             xmpp_reader_set_max_attributes      (XmppReader                *self,
                                                      guint                      max_attributes);

G_END_DECLS
