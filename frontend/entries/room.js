// The meeting room, its presentation view and its follow view: each part written as formatted
// text, together and live; captures in place; the point the meeting is at.
import { setUpCaptures } from "../room/capture.js";
import { startCowriting } from "../room/cowriting.js";
import { setUpFacilitator } from "../room/facilitator.js";

startCowriting();
setUpCaptures();
setUpFacilitator();
