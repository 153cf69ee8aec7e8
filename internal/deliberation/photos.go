package deliberation

import (
	"context"
	"slices"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// PhotoOwner is the owner of the minutes' photos in upload_blobs.
const PhotoOwner = "deliberation.minutes"

// MaxPhotos bounds the photos of one meeting's minutes.
const MaxPhotos = 12

// Photos is what a minutes photo may be.
var Photos = upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}

// AddPhoto adds a photo (checked and re-encoded by platform/upload) to a
// meeting's minutes, before or after the meeting closes. Errors:
// EFORBIDDEN, ENOTFOUND, EINVALID (too many).
func (s *Service) AddPhoto(ctx context.Context, meetingID int64, f *upload.File) ([]int64, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.Store.meeting(ctx, meetingID)
		if err != nil {
			s.refused(ctx, err, "deliberation.meeting.photo", "delib_meetings", "delib_meeting", meetingID)
			return err
		}
		have, err := s.Store.photos(ctx, meetingID)
		if err != nil {
			return err
		}
		if len(have) >= MaxPhotos {
			return errs.Invalid(errs.Field("photo", "deliberation.too_many_photos", MaxPhotos))
		}
		id, err := s.Blobs.Put(ctx, PhotoOwner, m.DivisionCode, f)
		if err != nil {
			return err
		}
		if err := s.Store.addPhoto(ctx, meetingID, id); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.photo", ObjectType: "delib_meeting", ObjectID: id64(meetingID),
			Detail: map[string]any{"blob_id": id, "sha256": f.SHA256}})
	})
	if err != nil {
		return nil, err
	}
	return s.MinutesPhotos(ctx, meetingID)
}

// MinutesPhotos lists the blob ids of a meeting's minutes photos.
// Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) MinutesPhotos(ctx context.Context, meetingID int64) ([]int64, error) {
	if _, err := s.Meeting(ctx, meetingID); err != nil {
		return nil, err
	}
	return s.Store.photos(ctx, meetingID)
}

// Photo returns a minutes photo to whoever may read its meeting.
// Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) Photo(ctx context.Context, meetingID, blobID int64) (*upload.Blob, error) {
	ids, err := s.MinutesPhotos(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, blobID) {
		return nil, errs.NotFound("error.not_found")
	}
	return s.Blobs.Load(ctx, PhotoOwner, blobID)
}
