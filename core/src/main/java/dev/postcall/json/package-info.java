/**
 * Internal to postcall, not API, and free to change: the streaming byte scanner that finds a body's envelope
 * without building its strings, the base64 value stream behind {@link dev.postcall.AudioEvent}, and the JSON-B
 * binding of the model (adapters and deserializers that JSON-B must be able to create, hence public).
 */
package dev.postcall.json;
