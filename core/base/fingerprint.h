/* fingerprint.h: Alertmanager's alert fingerprint (Prometheus's
 * model.LabelSet.Fingerprint), for payloads that arrive without one. */
#ifndef TOCSIN_FINGERPRINT_H
#define TOCSIN_FINGERPRINT_H

#include <stdint.h>

#include "alert.h"

/* FNV-1a 64 over the labels sorted by name: name, 0xff, value, 0xff each. */
uint64_t fingerprint_labels_u64(const struct kv *labels);
/* The same, printed as Alertmanager prints it (%016x) into out. */
void	fingerprint_labels(const struct kv *labels, char out[17]);

#endif
