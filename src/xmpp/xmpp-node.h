/* xmpp-node.h: a small XML element tree; stanzas are XmppNodes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XMPP_TYPE_NODE (xmpp_node_get_type ())

/**
 * XMPP_NS_STREAMS:
 *
 * The namespace of `<stream:stream>`, `<stream:features>` and
 * `<stream:error>` (RFC 6120 §4.8.1).
 */
#define XMPP_NS_STREAMS "http://etherx.jabber.org/streams"

/**
 * XMPP_NS_XML:
 *
 * The namespace bound to the `xml:` prefix, used by `xml:lang`.
 */
#define XMPP_NS_XML "http://www.w3.org/XML/1998/namespace"

typedef struct _XmppNode XmppNode;

GType            xmpp_node_get_type                  (void) G_GNUC_CONST;

XmppNode        *xmpp_node_new                       (const char  *name,
                                                      const char  *xmlns) G_GNUC_WARN_UNUSED_RESULT;
XmppNode        *xmpp_node_build                     (const char  *name,
                                                      const char  *xmlns,
                                                      const char  *first_attribute,
                                                      ...)
                                                      G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
XmppNode        *xmpp_node_ref                       (XmppNode    *node);
void             xmpp_node_unref                     (XmppNode    *node);

const char      *xmpp_node_get_name                  (XmppNode    *node);
const char      *xmpp_node_get_xmlns                 (XmppNode    *node);
gboolean         xmpp_node_is                        (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns);

const char      *xmpp_node_get_attribute             (XmppNode    *node,
                                                      const char  *name);
void             xmpp_node_set_attribute             (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *value);
void             xmpp_node_set_attributes            (XmppNode    *node,
                                                      const char  *first_attribute,
                                                      ...) G_GNUC_NULL_TERMINATED;
guint            xmpp_node_get_attribute_count       (XmppNode    *node);
const char      *xmpp_node_get_attribute_at          (XmppNode    *node,
                                                      guint        index,
                                                      const char **value);

const char      *xmpp_node_get_text                  (XmppNode    *node);
void             xmpp_node_set_text                  (XmppNode    *node,
                                                      const char  *text);
void             xmpp_node_append_text               (XmppNode    *node,
                                                      const char  *text,
                                                      gssize       length);

XmppNode        *xmpp_node_add_child                 (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns);
XmppNode        *xmpp_node_add_child_with_attributes (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns,
                                                      const char  *first_attribute,
                                                      ...) G_GNUC_NULL_TERMINATED;
XmppNode        *xmpp_node_add_text_child            (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns,
                                                      const char  *text);
void             xmpp_node_append_child              (XmppNode    *node,
                                                      XmppNode    *child);
gboolean         xmpp_node_remove_child              (XmppNode    *node,
                                                      XmppNode    *child);

XmppNode        *xmpp_node_get_child                 (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns);
const char      *xmpp_node_get_child_text            (XmppNode    *node,
                                                      const char  *name,
                                                      const char  *xmlns);
guint            xmpp_node_get_n_children            (XmppNode    *node);
XmppNode        *xmpp_node_get_child_at              (XmppNode    *node,
                                                      guint        index);
XmppNode       **xmpp_node_get_children              (XmppNode    *node,
                                                      guint       *n_children);

void             xmpp_node_write                     (XmppNode    *node,
                                                      GString     *out,
                                                      const char  *parent_xmlns);
char            *xmpp_node_to_string                 (XmppNode    *node) G_GNUC_WARN_UNUSED_RESULT;
gboolean         xmpp_node_equal                     (XmppNode    *a,
                                                      XmppNode    *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppNode, xmpp_node_unref)

G_END_DECLS
