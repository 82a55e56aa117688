// The meeting room, its presentation view and its follow view.
import { setUpCaptures } from "../room/capture.js";
import { setUpFacilitator } from "../room/facilitator.js";

setUpCaptures();
setUpFacilitator();
