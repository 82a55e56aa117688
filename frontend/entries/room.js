// The meeting room: each part written as formatted text, together and live.
import { startCowriting } from "../room/cowriting.js";

startCowriting();
