/**
 * Internal to postcall, not API, and free to change: the streaming byte scanner that finds a body's envelope and
 * decodes its base64 audio without building its strings, and the JSON-B instance the model is bound with. It knows
 * neither the events nor the model: it reads {@link dev.postcall.internal.json.JsonBytes} and binds any class.
 */
package dev.postcall.internal.json;
